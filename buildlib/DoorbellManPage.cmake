# SPDX-License-Identifier: GPL-2.0
#
# doorbell_man_pages(PAGE.N.md...): turn markdown man pages into roff with
# pandoc at build time and install them into section N.  Without pandoc
# the pages are skipped, with a notice at configure time.
#
# Every name in a page's NAME section other than the page's own gets an
# alias page, ".so manN/PAGE.N", as rdma-core installs one for each verb,
# so that "man dbvfio_export" finds the page that documents it.
find_program(PANDOC_EXECUTABLE pandoc)
if(NOT PANDOC_EXECUTABLE)
	message(NOTICE "pandoc not found: man pages are not built or installed")
endif()

# The names before " - " in the NAME section of the markdown page SRC.
function(doorbell_man_names src out)
	file(READ "${src}" text)
	string(REGEX MATCH "# NAME\n+([^#]*) - " match "${text}")
	string(REGEX REPLACE "[ \n]+" "" names "${CMAKE_MATCH_1}")
	string(REPLACE "," ";" names "${names}")
	set(${out} "${names}" PARENT_SCOPE)
endfunction()

function(doorbell_man_pages)
	if(NOT PANDOC_EXECUTABLE)
		return()
	endif()
	foreach(src IN LISTS ARGN)
		get_filename_component(name "${src}" NAME)
		string(REGEX REPLACE "\\.md$" "" page "${name}")
		string(REGEX REPLACE "^.*\\.([0-9])$" "\\1" section "${page}")
		string(REGEX REPLACE "\\.[0-9]$" "" title "${page}")
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

		doorbell_man_names("${CMAKE_CURRENT_SOURCE_DIR}/${src}" names)
		set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
			"${src}")
		foreach(alias IN LISTS names)
			if(alias STREQUAL title)
				continue()
			endif()
			set(alias_out "${CMAKE_CURRENT_BINARY_DIR}/${alias}.${section}")
			file(WRITE "${alias_out}" ".so man${section}/${page}\n")
			install(FILES "${alias_out}"
				DESTINATION "${CMAKE_INSTALL_MANDIR}/man${section}")
		endforeach()
	endforeach()
	string(MAKE_C_IDENTIFIER "man_${CMAKE_CURRENT_SOURCE_DIR}" target)
	add_custom_target(${target} ALL DEPENDS ${pages})
endfunction()
