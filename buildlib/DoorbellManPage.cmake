# SPDX-License-Identifier: GPL-2.0
#
# doorbell_man_pages(PAGE.N.md...): turn markdown man pages into roff with
# pandoc at build time and install them into section N.  Without pandoc
# the pages are skipped, with a notice at configure time.
find_program(PANDOC_EXECUTABLE pandoc)
if(NOT PANDOC_EXECUTABLE)
	message(NOTICE "pandoc not found: man pages are not built or installed")
endif()

function(doorbell_man_pages)
	if(NOT PANDOC_EXECUTABLE)
		return()
	endif()
	foreach(src IN LISTS ARGN)
		get_filename_component(name "${src}" NAME)
		string(REGEX REPLACE "\\.md$" "" page "${name}")
		string(REGEX REPLACE "^.*\\.([0-9])$" "\\1" section "${page}")
		set(out "${CMAKE_CURRENT_BINARY_DIR}/${page}")
		add_custom_command(
			OUTPUT "${out}"
			COMMAND "${PANDOC_EXECUTABLE}" -s -f markdown -t man
				-o "${out}" "${CMAKE_CURRENT_SOURCE_DIR}/${src}"
			DEPENDS "${src}"
			COMMENT "pandoc ${page}")
		list(APPEND pages "${out}")
		install(FILES "${out}"
			DESTINATION "${CMAKE_INSTALL_MANDIR}/man${section}")
	endforeach()
	string(MAKE_C_IDENTIFIER "man_${CMAKE_CURRENT_SOURCE_DIR}" target)
	add_custom_target(${target} ALL DEPENDS ${pages})
endfunction()
