# embed.cmake - writes IN (a file) as the C array web_page_html in OUT, so
# the page is part of the program and needs nothing from disk or network.
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" digits)
math(EXPR length "${digits} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUT}"
     "/* Made from web/page.html by web/embed.cmake: do not edit. */\n"
     "#include <stddef.h>\n"
     "const char web_page_html[] = {${bytes} 0};\n"
     "const size_t web_page_html_len = ${length};\n")
