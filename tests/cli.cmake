# cli.cmake - the program's command line: options, exit statuses, where
# output goes, and how standard input is read when it is not a terminal.
#
#     cmake -DBACKPROP=path/to/backprop -DWORK=scratch/dir -P cli.cmake
#
# Each case runs backprop once and checks the exit status and that stdout
# and stderr contain the given text ("" checks nothing). Arguments cannot
# hold a semicolon: CMake would split them there.

cmake_minimum_required(VERSION 3.16)
file(MAKE_DIRECTORY "${WORK}")
file(WRITE "${WORK}/ok.bp" "apple = 100\nprice = apple * 1.1\n:grad\n")
file(WRITE "${WORK}/bad.bp" "apple = 100\nprice = aple * 2\nnever = 1\n")
file(WRITE "${WORK}/stdin.txt" "x = 2\ny = x * zz\ny = x * 3\n:grad\n")
file(WRITE "${WORK}/quit.txt" "x = 1\n:quit\nx = 2\n")
file(WRITE "${WORK}/empty.txt" "")
file(WRITE "${WORK}/load_quit.txt" ":load ${WORK}/quit.txt\nnever\n")

set(failures 0)

# expect(NAME STATUS STDOUT_HAS STDERR_HAS STDIN_FILE ARGS...)
function(expect name status out_has err_has stdin)
  execute_process(COMMAND "${BACKPROP}" ${ARGN}
                  INPUT_FILE "${WORK}/${stdin}"
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  set(problem "")
  if(NOT rc STREQUAL "${status}")
    string(APPEND problem " exit status ${rc}, expected ${status};")
  endif()
  if(NOT out_has STREQUAL "")
    string(FIND "${out}" "${out_has}" at)
    if(at EQUAL -1)
      string(APPEND problem " stdout lacks '${out_has}';")
    endif()
  endif()
  if(NOT err_has STREQUAL "")
    string(FIND "${err}" "${err_has}" at)
    if(at EQUAL -1)
      string(APPEND problem " stderr lacks '${err_has}';")
    endif()
  endif()
  if(problem STREQUAL "")
    message(STATUS "ok   ${name}")
  else()
    message(STATUS "FAIL ${name}:${problem}\n--- stdout:\n${out}--- stderr:\n${err}")
    math(EXPR n "${failures} + 1")
    set(failures ${n} PARENT_SCOPE)
  endif()
endfunction()

expect("script runs" 0 "∂price/∂apple = 1.1" "" empty.txt "${WORK}/ok.bp")
expect("script stops at its first error" 1 "apple = 100" "bad.bp:2:9: error: undefined name 'aple'"
       empty.txt "${WORK}/bad.bp")
expect("nothing after the error runs" 1 "" "" empty.txt "${WORK}/bad.bp" -e "never")
expect("-e statements, in order" 0 "z = 6" "" empty.txt -e "x = 2" -e "z = x * 3")
expect("-e error names the command line" 1 "" "<command line>:1:6: error: expected an expression" empty.txt -e "x = (")
expect("stdin goes on after an error" 1 "∂y/∂x = 3" "<stdin>:2:9: error: undefined name 'zz'"
       stdin.txt)
expect("caret under the error" 1 "" "            ^~" stdin.txt)
expect(":quit stops reading" 0 "x = 1" "" quit.txt)
# `never` is undefined: had anything after the :quit run, the status would be 1.
expect(":quit in a :load-ed file quits" 0 "x = 1" "" load_quit.txt)
expect(":quit in a :load-ed file ends the arguments too" 0 "x = 1" "" empty.txt
       -e ":load ${WORK}/quit.txt" -e "never" "${WORK}/bad.bp")
expect("empty stdin" 0 "" "" empty.txt)
expect("--json values and errors on stdout" 1
       "{\"kind\":\"error\",\"file\":\"<stdin>\",\"line\":2,\"col\":9" "" stdin.txt --json)
expect("--version" 0 "backprop " "" empty.txt --version)
expect("--help" 0 "usage: backprop" "" empty.txt --help)
expect("unknown option" 2 "" "unknown option '--frobnicate'" empty.txt --frobnicate)
expect("-e without statements" 2 "" "-e needs an argument" empty.txt -e)
expect("missing file" 1 "" "cannot read" empty.txt "${WORK}/no-such-file.bp")
expect("--render draws after the script" 0 "rendered" "" empty.txt "${WORK}/ok.bp" --render "${WORK}/ok.svg")
expect("--render with options" 0 "rendered" "" empty.txt "${WORK}/ok.bp" --render "${WORK}/ok.mmd --forward")
expect("--render of an unknown format" 1 "" "cannot tell the format" empty.txt "${WORK}/ok.bp" --render "${WORK}/ok.xyz")
expect("-i after a file reads stdin" 0 "x = 1" "" quit.txt -i "${WORK}/ok.bp")

# A reader that goes away (| head -1): backprop stops quietly with status 141.
# Output beyond the pipe's buffer makes the failed write certain.
string(REPEAT "x = 1\n" 50000 many)
file(WRITE "${WORK}/many.txt" "${many}")
execute_process(COMMAND "${BACKPROP}" INPUT_FILE "${WORK}/many.txt"
                COMMAND head -1
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULTS_VARIABLE statuses)
if(NOT out STREQUAL "x = 1\n" OR NOT err STREQUAL "" OR NOT statuses STREQUAL "141;0")
  message(STATUS "FAIL closed pipe: statuses ${statuses}, stdout '${out}', stderr '${err}'")
  math(EXPR failures "${failures} + 1")
else()
  message(STATUS "ok   closed pipe")
endif()

# Ctrl-C (SIGINT) during a long :descend read from a pipe: the descent stops
# between steps, says how far it got, and backprop exits with status 130.
# The signal is sent once steps are being printed (stdout is a file, so
# buffered: step 2 shows once 64 KB of steps are out).
file(WRITE "${WORK}/long.txt"
     "param W = randn(100, 100, seed=1) * 0.01\nloss = sum(W @ W)\n:descend 0.001 1000000\n")
execute_process(
  COMMAND sh -c "\"$0\" < \"$1\" > \"$1.out\" & pid=$!
                 n=0; until grep -q '^step 2:' \"$1.out\" || [ $n -gt 600 ]; do sleep 0.1; n=$((n+1)); done
                 kill -INT $pid; wait $pid; echo status $?"
          "${BACKPROP}" "${WORK}/long.txt"
  OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT out STREQUAL "status 130\n" OR NOT err MATCHES "error: interrupted after [0-9]+ of 1000000 steps")
  message(STATUS "FAIL Ctrl-C: stdout '${out}', stderr '${err}'")
  math(EXPR failures "${failures} + 1")
else()
  message(STATUS "ok   Ctrl-C")
endif()

if(failures GREATER 0)
  message(FATAL_ERROR "${failures} command-line case(s) failed")
endif()
