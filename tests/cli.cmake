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
# -q: definitions and the update they cause are silent; a bare expression,
# a command, a warning and an error are not.
file(WRITE "${WORK}/quiet.bp" "a = 2\nb = a * 3\na = 4\nb\n:grad\nx = -1\ny = log(x)\nzz\n")

set(failures 0)

# report(NAME PROBLEM STDOUT STDERR): one case's verdict; a problem counts a failure.
function(report name problem out err)
  if(problem STREQUAL "")
    message(STATUS "ok   ${name}")
  else()
    message(STATUS "FAIL ${name}:${problem}\n--- stdout:\n${out}--- stderr:\n${err}")
    math(EXPR n "${failures} + 1")
    set(failures ${n} PARENT_SCOPE)
  endif()
endfunction()

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
  report("${name}" "${problem}" "${out}" "${err}")
  set(failures ${failures} PARENT_SCOPE)
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
# A driver reading --json rows from a pipe hears when each line is done,
# even a comment or a blank line, which print nothing else.
file(WRITE "${WORK}/done.txt" "x = 2\n# a comment\n\ny = x *\n")
expect("--json: a done row after each line of standard input" 1
       "{\"kind\":\"value\",\"name\":\"x\",\"value\":2}\n{\"kind\":\"done\",\"file\":\"<stdin>\",\"line\":1,\"ok\":true}\n{\"kind\":\"done\",\"file\":\"<stdin>\",\"line\":2,\"ok\":true}\n{\"kind\":\"done\",\"file\":\"<stdin>\",\"line\":3,\"ok\":true}\n{\"kind\":\"error\",\"file\":\"<stdin>\",\"line\":4,\"col\":8,\"message\":\"expected an expression\"}\n{\"kind\":\"done\",\"file\":\"<stdin>\",\"line\":4,\"ok\":false}\n"
       "" done.txt --json)
expect("--version" 0 "backprop " "" empty.txt --version)
expect("--help" 0 "usage: backprop" "" empty.txt --help)
expect("unknown option" 2 "" "unknown option '--frobnicate'" empty.txt --frobnicate)
expect("-e without statements" 2 "" "-e needs an argument" empty.txt -e)
expect("missing file" 1 "" "cannot read" empty.txt "${WORK}/no-such-file.bp")
expect("--render draws after the script" 0 "rendered" "" empty.txt "${WORK}/ok.bp" --render "${WORK}/ok.svg")
expect("--render with options" 0 "rendered" "" empty.txt "${WORK}/ok.bp" --render "${WORK}/ok.mmd --forward")
expect("--render of an unknown format" 1 "" "cannot tell the format" empty.txt "${WORK}/ok.bp" --render "${WORK}/ok.xyz")
expect("-i after a file reads stdin" 0 "x = 1" "" quit.txt -i "${WORK}/ok.bp")

# -e is a script of lines; "\r\n" line ends and a byte-order mark reach
# neither statements nor commands (in a script, a :load, standard input).
file(WRITE "${WORK}/crlf.txt" "a = 1\r\nb = a * 2\r\n:grad\r\n")
execute_process(COMMAND printf "\\357\\273\\277a = 1\\r\\nb = a * 2\\r\\n" OUTPUT_FILE "${WORK}/bom.bp")
file(WRITE "${WORK}/load.txt" ":load ${WORK}/bom.bp\n:grad\n")
expect("-e is a script of lines" 0 "∂b/∂a = 2" "" empty.txt -e "a=1\nb=a*2\n:grad")
expect("-e starting with a comment" 0 "x = 1" "" empty.txt -e "# c\nx = 1")
expect("-e error on its second line" 1 "" "<command line>:2:3: error" empty.txt -e "a=1\nb=@")
expect("CRLF on standard input" 0 "∂b/∂a = 2" "" crlf.txt)
expect("byte-order mark and CRLF in a script" 0 "b = 2" "" empty.txt "${WORK}/bom.bp")
expect("byte-order mark and CRLF in a :load" 0 "∂b/∂a = 2" "" load.txt)

# Control bytes and bytes that are not UTF-8 are echoed escaped, never raw:
# no ESC reaches the terminal, and every --json row is valid JSON.
set(hostile "printf 'x = 1 \\033[31m\\n:gr\\007ad\\n\\377 = 1\\n\\302\\233 = 2\\n:save s\\033\\377.bp\\n'")
execute_process(COMMAND sh -c "${hostile} | \"$0\"" "${BACKPROP}" WORKING_DIRECTORY "${WORK}"
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(ASCII 27 esc)
string(FIND "${out}${err}" "${esc}" raw)
if(NOT raw EQUAL -1 OR NOT err MATCHES "x = 1 \\\\x1b\\[31m")
  message(STATUS "FAIL control bytes escaped: stdout '${out}', stderr '${err}'")
  math(EXPR failures "${failures} + 1")
else()
  message(STATUS "ok   control bytes escaped")
endif()
find_program(PYTHON3 python3)
if(PYTHON3)
  execute_process(COMMAND sh -c "${hostile} | \"$0\" --json | \"$1\" -c \"
import json, sys
rows = sys.stdin.buffer.read().decode('utf-8').splitlines()
assert len(rows) >= 5, rows
for row in rows: json.loads(row)
print('valid')\"" "${BACKPROP}" "${PYTHON3}" WORKING_DIRECTORY "${WORK}"
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT out STREQUAL "valid\n")
    message(STATUS "FAIL --json rows are JSON: stdout '${out}', stderr '${err}'")
    math(EXPR failures "${failures} + 1")
  else()
    message(STATUS "ok   --json rows are JSON")
  endif()
endif()

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

# expect_out(NAME STDOUT ARGS...): exit status 1 (quiet.bp ends in an
# error) and exactly STDOUT, so what must not print is checked too.
function(expect_out name expected)
  execute_process(COMMAND "${BACKPROP}" ${ARGN} INPUT_FILE "${WORK}/empty.txt"
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  set(problem "")
  if(NOT rc STREQUAL "1" OR NOT out STREQUAL "${expected}")
    set(problem " exit status ${rc}, expected 1, or stdout is not:\n${expected}")
  endif()
  report("${name}" "${problem}" "${out}" "${err}")
  set(failures ${failures} PARENT_SCOPE)
endfunction()

set(warned "warning: y = nan: nan first appears at log(x) (x = -1)\n")
expect_out("-q: only expressions, commands and warnings print" "12\n∂b/∂a = 3\n${warned}"
           -q "${WORK}/quiet.bp")
expect("-q: errors still print" 1 "" "quiet.bp:8:1: error: undefined name 'zz'" empty.txt
       --quiet "${WORK}/quiet.bp")
expect_out("--quiet --json: no value rows for definitions"
           "{\"kind\":\"value\",\"name\":null,\"value\":12}\n{\"kind\":\"grad\",\"of\":\"b\",\"wrt\":\"a\",\"value\":3}\n{\"kind\":\"warning\",\"name\":\"y\",\"message\":\"y = nan: nan first appears at log(x) (x = -1)\",\"at\":\"log(x)\"}\n{\"kind\":\"error\",\"file\":\"${WORK}/quiet.bp\",\"line\":8,\"col\":1,\"message\":\"undefined name 'zz'\"}\n"
           --quiet --json "${WORK}/quiet.bp")

# Ctrl-C (SIGINT) while backprop reads a pipe. Nothing here is timed: the
# shell feeds `x = 1` through a FIFO and reads its answer, and since
# backprop answers a line before reading on, it is then waiting for input
# (or about to) when the signal comes; with `after`, that line goes next
# and its answer is read too; closing the input afterwards ends a wait the
# signal did not cut short. The case passes when the shell says
# `expected_out` and backprop's stderr is `expected_err`. How long :descend
# and the other long commands take to stop is tested with a counted Ctrl-C
# in test_limits.c.
function(ctrl_c_case name option after expected_out expected_err)
  execute_process(
    COMMAND sh -c "rm -f \"$1/in\" \"$1/out\" && mkfifo \"$1/in\" \"$1/out\" || exit
                   \"$0\" $2 < \"$1/in\" > \"$1/out\" 2> \"$1/err\" & pid=$!
                   exec 3> \"$1/in\" 4< \"$1/out\"
                   echo 'x = 1' >&3
                   IFS= read -r answer <&4
                   kill -INT $pid
                   if [ -n \"$3\" ]; then
                     echo \"$3\" >&3
                     IFS= read -r next <&4
                     answer=\"$answer, $next\"
                   fi
                   exec 3>&-
                   cat <&4 > /dev/null
                   wait $pid; echo \"status $? after $answer\"; cat \"$1/err\" >&2"
            "${BACKPROP}" "${WORK}" "${option}" "${after}"
    OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(problem "")
  if(NOT out STREQUAL expected_out OR NOT err STREQUAL expected_err)
    set(problem " expected '${expected_out}' and stderr '${expected_err}'")
  endif()
  report("${name}" "${problem}" "${out}" "${err}")
  set(failures ${failures} PARENT_SCOPE)
endfunction()

# Without --driver, Ctrl-C ends the input: backprop says where, exit status 130.
ctrl_c_case("Ctrl-C" "" "" "status 130 after x = 1\n"
            "<stdin>: error: interrupted before line 2\n")
# With --driver (a notebook's kernel drives backprop), Ctrl-C while it waits
# for input changes nothing: the next line runs, and backprop ends when its
# input does, with status 0.
ctrl_c_case("--driver Ctrl-C" "--driver" "y = x + 1" "status 0 after x = 1, y = 2\n" "")

if(failures GREATER 0)
  message(FATAL_ERROR "${failures} command-line case(s) failed")
endif()
