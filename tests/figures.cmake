# figures.cmake - the book's figures, drawn from the examples that declare them.
#
#     cmake -DBACKPROP=<exe> -DEXAMPLES=<examples dir> -DMODE=update|check
#           -DWORK=<scratch dir> -P figures.cmake
#
# An example declares a figure with a comment line of its own:
#
#     # figure: OUTNAME.svg [render options]
#
# e.g. `# figure: apple_forward.svg --forward`. For every such line of every
# EXAMPLES/*.bp this runs, after the whole script,
#
#     backprop NAME.bp --render 'OUTNAME.svg OPTIONS'
#
# and the same with OUTNAME.mmd (Mermaid) and OUTNAME.dot (the positioned
# Graphviz picture). With --steps each format is frames: OUTNAME-01.svg,
# OUTNAME-02.svg, ..., OUTNAME-01.mmd, ...
#
# MODE=update  runs in EXAMPLES and writes the files there; frames a figure no
#              longer makes are removed. `cmake --build build --target figures`.
# MODE=check   runs in WORK/OUTNAME/ and compares every file byte for byte with
#              the committed one. Fails naming each figure that is stale, missing
#              or no longer declared, and how to regenerate. The `figures_fresh` test.
#
# The pictures depend on Graphviz's version and the fonts installed (dot
# measures the labels), so they are only reproducible on a like machine.

cmake_minimum_required(VERSION 3.16)

foreach(var BACKPROP EXAMPLES MODE)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "figures.cmake: pass -D${var}=... (usage: cmake -DBACKPROP=<exe> "
                        "-DEXAMPLES=<examples dir> -DMODE=update|check -DWORK=<scratch dir> "
                        "-P figures.cmake)")
  endif()
endforeach()
if(NOT MODE STREQUAL "update" AND NOT MODE STREQUAL "check")
  message(FATAL_ERROR "figures.cmake: MODE must be update or check, not '${MODE}'")
endif()
if(MODE STREQUAL "check" AND (NOT DEFINED WORK OR "${WORK}" STREQUAL ""))
  message(FATAL_ERROR "figures.cmake: MODE=check needs -DWORK=<scratch dir>")
endif()

get_filename_component(BACKPROP "${BACKPROP}" ABSOLUTE)
get_filename_component(EXAMPLES "${EXAMPLES}" ABSOLUTE)
if(DEFINED WORK AND NOT "${WORK}" STREQUAL "")
  get_filename_component(WORK "${WORK}" ABSOLUTE)
endif()
set(formats svg mmd dot) # a --steps figure as frames in each

set(regenerate "cmake --build build --target figures")

# --- the declarations ---------------------------------------------------------

# Fills figure_stems, and for each stem S: figure_example_S (the .bp) and
# figure_options_S (the render options after the file name, "" if none).
file(GLOB examples "${EXAMPLES}/*.bp")
list(SORT examples)
set(figure_stems "")
set(declaration_errors "")
foreach(example ${examples})
  get_filename_component(example_file "${example}" NAME)
  file(STRINGS "${example}" lines REGEX "^#[ \t]*figure:")
  foreach(line ${lines})
    string(REGEX REPLACE "^#[ \t]*figure:[ \t]*" "" spec "${line}")
    string(STRIP "${spec}" spec)
    if(NOT spec MATCHES "^([A-Za-z0-9_]+)\\.svg([ \t].*)?$")
      string(APPEND declaration_errors
        "  ${example_file}: '${line}': expected '# figure: OUTNAME.svg [options]', "
        "OUTNAME of ASCII letters, digits and _ (frames add -01, -02, ...)\n")
      continue()
    endif()
    set(stem "${CMAKE_MATCH_1}")
    set(options "${CMAKE_MATCH_2}")
    if(DEFINED figure_example_${stem})
      string(APPEND declaration_errors
        "  ${example_file}: ${stem}.svg is already declared by ${figure_example_${stem}}\n")
      continue()
    endif()
    list(APPEND figure_stems "${stem}")
    set(figure_example_${stem} "${example_file}")
    set(figure_options_${stem} "${options}")
  endforeach()
endforeach()
if(NOT declaration_errors STREQUAL "")
  message(FATAL_ERROR "figures: bad '# figure:' lines in ${EXAMPLES}:\n${declaration_errors}")
endif()
if(figure_stems STREQUAL "")
  message(FATAL_ERROR "figures: no '# figure: OUTNAME.svg [options]' line in ${EXAMPLES}/*.bp")
endif()

# The files in `dir` that figure `stem` makes as `format`: stem.format, or
# its frames stem-NN.format. Sorted names (no directory) in the list `out`.
function(figure_files dir stem format out)
  file(GLOB candidates RELATIVE "${dir}" "${dir}/${stem}.${format}" "${dir}/${stem}-*.${format}")
  set(files "")
  foreach(name ${candidates})
    if(name STREQUAL "${stem}.${format}" OR name MATCHES "^${stem}-[0-9]+\\.${format}$")
      list(APPEND files "${name}")
    endif()
  endforeach()
  list(SORT files)
  set(${out} "${files}" PARENT_SCOPE)
endfunction()

# Runs backprop on `example` in `dir`, rendering `stem`.`format` with
# `options`. Sets `rendered` to TRUE or FALSE; on failure appends the command
# and the first lines of its standard error to the variable `failures`. If
# the very first run fails the cause is likely everywhere (a wrong program,
# Graphviz not set up): stop there rather than repeat it for every figure.
set(runs 0)
function(figure_render dir example stem format options)
  set(command "backprop ${example} --render '${stem}.${format}${options}'")
  execute_process(
    COMMAND "${BACKPROP}" "${EXAMPLES}/${example}" --render "${stem}.${format}${options}"
    WORKING_DIRECTORY "${dir}"
    INPUT_FILE /dev/null
    OUTPUT_VARIABLE output
    ERROR_VARIABLE errors
    RESULT_VARIABLE status)
  math(EXPR runs "${runs} + 1")
  set(runs ${runs} PARENT_SCOPE)
  if(status STREQUAL "0")
    set(rendered TRUE PARENT_SCOPE)
    return()
  endif()
  set(rendered FALSE PARENT_SCOPE)
  # The first six lines of standard error are enough to tell why.
  set(head "")
  foreach(i RANGE 5)
    string(FIND "${errors}" "\n" newline)
    if(newline EQUAL -1)
      string(APPEND head "${errors}")
      break()
    endif()
    math(EXPR rest "${newline} + 1")
    string(SUBSTRING "${errors}" 0 ${rest} line)
    string(SUBSTRING "${errors}" ${rest} -1 errors)
    string(APPEND head "${line}")
  endforeach()
  set(errors "${head}")
  if(runs EQUAL 1)
    # message(FATAL_ERROR) would reflow the lines: print them as they are.
    message(NOTICE "figures: `${command}` in ${dir} failed (status ${status}) "
                   "with ${BACKPROP}:\n${errors}")
    message(FATAL_ERROR "figures: could not draw the first figure: see above")
  endif()
  set(failures "${failures}  ${stem}.${format}: `${command}` failed (status ${status}):\n${errors}"
      PARENT_SCOPE)
endfunction()

# The Graphviz version an SVG names ("Generated by graphviz version 2.43.0"),
# or "unknown", in the variable `out`.
function(figure_graphviz svg out)
  file(STRINGS "${svg}" line LIMIT_COUNT 1 REGEX "Generated by graphviz version ")
  set(version "unknown")
  if(line MATCHES "graphviz version ([^ ]+)")
    set(version "${CMAKE_MATCH_1}")
  endif()
  set(${out} "${version}" PARENT_SCOPE)
endfunction()

# Drawings in EXAMPLES that no '# figure:' line declares (any more), one
# "  NAME" line each, in the variable `out`.
function(figure_orphans out)
  file(GLOB drawings RELATIVE "${EXAMPLES}"
       "${EXAMPLES}/*.svg" "${EXAMPLES}/*.mmd" "${EXAMPLES}/*.dot")
  list(SORT drawings)
  set(orphans "")
  foreach(name ${drawings})
    string(REGEX REPLACE "(-[0-9]+)?\\.(svg|mmd|dot)$" "" base "${name}")
    if(NOT base IN_LIST figure_stems)
      string(APPEND orphans "  ${name}\n")
    endif()
  endforeach()
  set(${out} "${orphans}" PARENT_SCOPE)
endfunction()

# --- update: draw into EXAMPLES -----------------------------------------------

if(MODE STREQUAL "update")
  set(failures "")
  set(written 0)
  foreach(stem ${figure_stems})
    foreach(format ${formats})
      figure_files("${EXAMPLES}" "${stem}" "${format}" old)
      foreach(name ${old}) # frames from an earlier run must not linger
        file(REMOVE "${EXAMPLES}/${name}")
      endforeach()
      figure_render("${EXAMPLES}" "${figure_example_${stem}}" "${stem}" "${format}"
                    "${figure_options_${stem}}")
      figure_files("${EXAMPLES}" "${stem}" "${format}" made)
      list(LENGTH made n)
      math(EXPR written "${written} + ${n}")
    endforeach()
  endforeach()
  if(NOT failures STREQUAL "")
    message(NOTICE "figures: some figures could not be drawn:\n${failures}")
    message(FATAL_ERROR "figures: see the report above")
  endif()
  list(LENGTH figure_stems n_figures)
  message(STATUS "figures: ${n_figures} figures, ${written} files written in ${EXAMPLES}")
  figure_orphans(orphans)
  if(NOT orphans STREQUAL "")
    message(WARNING "figures: these files in ${EXAMPLES} belong to no '# figure:' line "
                    "(figures_fresh will fail until they are removed or declared):\n${orphans}")
  endif()
endif()

# --- check: draw into WORK and compare ----------------------------------------

if(MODE STREQUAL "check")
  set(failures "")
  set(stale "")
  set(graphviz_note "")
  foreach(stem ${figure_stems})
    set(dir "${WORK}/${stem}")
    file(REMOVE_RECURSE "${dir}")
    file(MAKE_DIRECTORY "${dir}")
    set(example "${figure_example_${stem}}")
    set(how "'${stem}.svg${figure_options_${stem}}' from ${example}")
    foreach(format ${formats})
      figure_render("${dir}" "${example}" "${stem}" "${format}" "${figure_options_${stem}}")
      if(NOT rendered)
        continue()
      endif()
      figure_files("${dir}" "${stem}" "${format}" made)
      figure_files("${EXAMPLES}" "${stem}" "${format}" committed)
      foreach(name ${made})
        if(NOT EXISTS "${EXAMPLES}/${name}")
          string(APPEND stale "  missing: ${name}  (figure ${how})\n")
          continue()
        endif()
        execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files
                                "${EXAMPLES}/${name}" "${dir}/${name}"
                        RESULT_VARIABLE differs OUTPUT_QUIET ERROR_QUIET)
        if(NOT differs EQUAL 0)
          string(APPEND stale "  stale:   ${name}  (figure ${how}; now drawn as ${dir}/${name})\n")
          if(format STREQUAL "svg" AND graphviz_note STREQUAL "")
            figure_graphviz("${EXAMPLES}/${name}" was)
            figure_graphviz("${dir}/${name}" now)
            if(NOT was STREQUAL now)
              string(CONCAT graphviz_note "(The committed drawings were made by Graphviz ${was}, "
                     "these by ${now}: a different Graphviz lays them out differently.)\n")
            endif()
          endif()
        endif()
      endforeach()
      foreach(name ${committed})
        if(NOT name IN_LIST made)
          string(APPEND stale "  extra:   ${name}  (figure ${how} no longer makes it)\n")
        endif()
      endforeach()
    endforeach()
  endforeach()

  figure_orphans(orphans)

  set(report "")
  if(NOT failures STREQUAL "")
    string(APPEND report "Some figures could not be drawn:\n${failures}")
  endif()
  if(NOT stale STREQUAL "")
    string(APPEND report
      "The committed figures in ${EXAMPLES} are not what the examples draw now:\n${stale}"
      "${graphviz_note}"
      "Look at the new drawings, then regenerate them all with:\n  ${regenerate}\n")
  endif()
  if(NOT orphans STREQUAL "")
    string(APPEND report
      "These files in ${EXAMPLES} belong to no '# figure:' line; "
      "remove them (git rm) or declare them:\n${orphans}")
  endif()
  if(NOT report STREQUAL "")
    message(NOTICE "figures: ${report}")
    message(FATAL_ERROR "figures: committed figures are out of date or could not be drawn: see the report above")
  endif()
endif()
