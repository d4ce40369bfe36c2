# golden.cmake - checks one example script against its recorded output.
#
#     cmake -DBACKPROP=path/to/backprop -DEXAMPLE=path/to/examples/NAME.bp -P golden.cmake
#
# Runs `backprop NAME.bp` in the example's directory and compares its standard
# output byte for byte with NAME.out next to the script. The test fails when
# the .out file is missing, when the program does not exit with status 0, or
# when the output differs. A failure shows how expected and actual output
# differ (diff -u where diff(1) exists, else line by line) and the program's
# standard error, which is otherwise not compared.
#
# The actual output is also written to golden/NAME.actual under the directory
# cmake runs in (build/tests under ctest), so an intended change can be
# reviewed and then copied over NAME.out.

cmake_minimum_required(VERSION 3.16)

foreach(var BACKPROP EXAMPLE)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "golden.cmake: pass -D${var}=... "
                        "(usage: cmake -DBACKPROP=<exe> -DEXAMPLE=<x.bp> -P golden.cmake)")
  endif()
endforeach()

# Relative paths are relative to where cmake was started; the program runs
# in the example's directory.
get_filename_component(BACKPROP "${BACKPROP}" ABSOLUTE)
get_filename_component(EXAMPLE "${EXAMPLE}" ABSOLUTE)
get_filename_component(example_dir "${EXAMPLE}" DIRECTORY)
get_filename_component(example_file "${EXAMPLE}" NAME)
get_filename_component(example_name "${EXAMPLE}" NAME_WE)
set(expected_file "${example_dir}/${example_name}.out")

if(NOT EXISTS "${EXAMPLE}")
  message(FATAL_ERROR "golden: no such example: ${EXAMPLE}")
endif()
if(NOT EXISTS "${expected_file}")
  message(FATAL_ERROR
    "golden: ${example_file} has no expected output: ${expected_file} is missing.\n"
    "Create it from the program's output, then check every number by hand:\n"
    "  cd ${example_dir} && ${BACKPROP} ${example_file} > ${example_name}.out")
endif()

# --- run the example ----------------------------------------------------------

execute_process(
  COMMAND "${BACKPROP}" "${example_file}"
  WORKING_DIRECTORY "${example_dir}"
  INPUT_FILE /dev/null
  OUTPUT_VARIABLE actual
  ERROR_VARIABLE errors
  RESULT_VARIABLE status)
file(READ "${expected_file}" expected)

set(actual_file "${CMAKE_CURRENT_BINARY_DIR}/golden/${example_name}.actual")
file(WRITE "${actual_file}" "${actual}")

if("${actual}" STREQUAL "${expected}" AND "${status}" STREQUAL "0")
  return()
endif()

# --- explain the failure ------------------------------------------------------

# Splits text into the list variable `out`, one element per line. Characters
# that CMake lists treat specially (; [ ] \) are swapped for placeholders
# first, and every element starts with "L" so empty lines survive list()
# (which drops an empty first element); golden_unescape() undoes both. A last
# line without a newline gets a visible note, so a missing final newline shows
# up in the diff.
string(ASCII 1 golden_mark)
function(golden_lines text out)
  set(lines "")
  string(REPLACE "\\" "${golden_mark}b" text "${text}")
  string(REPLACE ";" "${golden_mark}s" text "${text}")
  string(REPLACE "[" "${golden_mark}o" text "${text}")
  string(REPLACE "]" "${golden_mark}c" text "${text}")
  while(NOT "${text}" STREQUAL "")
    string(FIND "${text}" "\n" newline)
    if(newline EQUAL -1)
      list(APPEND lines "L${text}    <- no newline at end")
      break()
    endif()
    string(SUBSTRING "${text}" 0 ${newline} line)
    math(EXPR rest "${newline} + 1")
    string(SUBSTRING "${text}" ${rest} -1 text)
    list(APPEND lines "L${line}")
  endwhile()
  set(${out} "${lines}" PARENT_SCOPE)
endfunction()

function(golden_unescape line out)
  string(REPLACE "${golden_mark}c" "]" line "${line}")
  string(REPLACE "${golden_mark}o" "[" line "${line}")
  string(REPLACE "${golden_mark}s" ";" line "${line}")
  string(REPLACE "${golden_mark}b" "\\" line "${line}")
  string(SUBSTRING "${line}" 1 -1 line)
  set(${out} "${line}" PARENT_SCOPE)
endfunction()

set(report "golden: ${example_file} failed.\n")
if(NOT "${status}" STREQUAL "0")
  string(APPEND report "The program exited with status '${status}' (expected 0).\n")
endif()
if(NOT "${errors}" STREQUAL "")
  string(APPEND report "Its standard error was:\n${errors}")
endif()

# A unified diff from diff(1) where there is one; else a line-by-line listing.
set(diff_tool_output "")
if(NOT "${actual}" STREQUAL "${expected}")
  find_program(GOLDEN_DIFF diff)
  if(GOLDEN_DIFF)
    execute_process(
      COMMAND "${GOLDEN_DIFF}" -u -L "${example_name}.out (expected)"
              -L "backprop ${example_file} (actual)" "${expected_file}" "${actual_file}"
      OUTPUT_VARIABLE diff_tool_output
      RESULT_VARIABLE diff_status)
    if(NOT diff_status EQUAL 1) # 1: files differ; anything else: diff failed
      set(diff_tool_output "")
    endif()
  endif()
endif()

if(NOT "${actual}" STREQUAL "${expected}" AND NOT "${diff_tool_output}" STREQUAL "")
  string(APPEND report
    "Standard output differs from ${example_name}.out:\n"
    "${diff_tool_output}"
    "Actual output saved as ${actual_file}\n"
    "If the change is intended and every number has been checked, update the file:\n"
    "  cp ${actual_file} ${expected_file}\n")
elseif(NOT "${actual}" STREQUAL "${expected}")
  golden_lines("${expected}" expected_lines)
  golden_lines("${actual}" actual_lines)
  list(LENGTH expected_lines n_expected)
  list(LENGTH actual_lines n_actual)
  set(n ${n_expected})
  if(n_actual GREATER n)
    set(n ${n_actual})
  endif()

  # Line by line: '  ' the same, '- ' only in the .out file, '+ ' only in the output.
  set(diff "")
  set(first_difference 0)
  set(line_no 0)
  while(line_no LESS n)
    set(want "")
    set(got "")
    set(want_text "")
    set(got_text "")
    if(line_no LESS n_expected)
      list(GET expected_lines ${line_no} want)
      golden_unescape("${want}" want_text)
    endif()
    if(line_no LESS n_actual)
      list(GET actual_lines ${line_no} got)
      golden_unescape("${got}" got_text)
    endif()
    math(EXPR shown "${line_no} + 1")
    if(line_no LESS n_expected AND line_no LESS n_actual AND "${want}" STREQUAL "${got}")
      string(APPEND diff "  ${shown}: ${want_text}\n")
    else()
      if(first_difference EQUAL 0)
        set(first_difference ${shown})
      endif()
      if(line_no LESS n_expected)
        string(APPEND diff "- ${shown}: ${want_text}|\n")
      endif()
      if(line_no LESS n_actual)
        string(APPEND diff "+ ${shown}: ${got_text}|\n")
      endif()
    endif()
    math(EXPR line_no "${line_no} + 1")
  endwhile()

  string(APPEND report
    "Standard output differs from ${example_name}.out, first at line ${first_difference} "
    "(${n_expected} lines expected, ${n_actual} produced).\n"
    "Lines marked '-' are expected, '+' are actual ('|' marks the end of a differing line):\n"
    "${diff}"
    "Actual output saved as ${actual_file}\n"
    "If the change is intended and every number has been checked, update the file:\n"
    "  cp ${actual_file} ${expected_file}\n")
endif()

# message(FATAL_ERROR) would reflow the diff's lines: print it as it is.
message(NOTICE "${report}")
message(FATAL_ERROR "golden: ${example_file}: see the report above")
