// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The IOVA allocator: page-aligned spans inside the IOMMU's valid ranges,
 * found next-fit.  The search starts where the last one ended and wraps
 * around only at the end of the space, so a freed IOVA is handed out
 * again as late as possible: a stale command that still names it faults
 * in the IOMMU for as long as the space allows, and a long-running
 * process never runs out while it frees what it maps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* The first span of @sp ending at or after @iova; nr_used if none. */
static unsigned int first_at_or_after(const struct dbnvme_iova_space *sp,
				      uint64_t iova)
{
	unsigned int lo = 0, hi = sp->nr_used;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (sp->used[mid].last < iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The lowest start >= @from inside @r where @size bytes meet no span in
 * use; false if there is none in @r.
 */
static bool fit_in_range(const struct dbnvme_iova_space *sp,
			 const struct dbvfio_iova_range *r, uint64_t from,
			 uint64_t size, uint64_t page, uint64_t *start)
{
	uint64_t c = from > r->start ? from : r->start;
	unsigned int i;

	c = (c + page - 1) & ~(page - 1);
	if (c < r->start) /* the round-up wrapped */
		return false;
	for (i = first_at_or_after(sp, c);; i++) {
		if (c > r->last || r->last - c < size - 1)
			return false;
		if (i == sp->nr_used || sp->used[i].start > c + size - 1) {
			*start = c;
			return true;
		}
		if (sp->used[i].last >= ~0ull - page)
			return false;
		c = (sp->used[i].last + page) & ~(page - 1);
	}
}

static int insert_span(struct dbnvme_iova_space *sp, uint64_t start,
		       uint64_t last)
{
	unsigned int i = first_at_or_after(sp, start);

	if (sp->nr_used == sp->max_used) {
		unsigned int max = sp->max_used ? 2 * sp->max_used : 16;
		void *p = realloc(sp->used, max * sizeof(*sp->used));

		if (!p)
			return -ENOMEM;
		sp->used = p;
		sp->max_used = max;
	}
	memmove(&sp->used[i + 1], &sp->used[i],
		(sp->nr_used - i) * sizeof(*sp->used));
	sp->used[i] =
		(struct dbvfio_iova_range){ .start = start, .last = last };
	sp->nr_used++;
	return 0;
}

int dbnvme_iova_alloc(struct dbnvme_iova_space *sp,
		      const struct dbvfio_iova_range *valid,
		      unsigned int nr_valid, uint64_t size, uint64_t page,
		      uint64_t *iova)
{
	unsigned int pass, i;
	uint64_t from, start;

	if (!size || !page || (page & (page - 1)) || size > ~0ull - page)
		return -EINVAL;
	size = (size + page - 1) & ~(page - 1);
	/* From the rotor to the top, then from the bottom: two passes. */
	for (pass = 0, from = sp->next; pass < 2; pass++, from = 0)
		for (i = 0; i < nr_valid; i++) {
			if (valid[i].last < from ||
			    !fit_in_range(sp, &valid[i], from, size, page,
					  &start))
				continue;
			if (insert_span(sp, start, start + size - 1))
				return -ENOMEM;
			sp->next = start + size;
			*iova = start;
			return 0;
		}
	return -ENOSPC;
}

int dbnvme_iova_free(struct dbnvme_iova_space *sp, uint64_t iova)
{
	unsigned int i = first_at_or_after(sp, iova);

	if (i == sp->nr_used || sp->used[i].start != iova)
		return -ENOENT;
	memmove(&sp->used[i], &sp->used[i + 1],
		(sp->nr_used - i - 1) * sizeof(*sp->used));
	sp->nr_used--;
	return 0;
}
