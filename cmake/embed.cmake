# Turns a text file into a C source defining `const char SYMBOL[]`, NUL-terminated.
# Usage: cmake -DIN=file -DOUT=file.c -DSYMBOL=name -P embed.cmake
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" n)
# Bytes above 0x7f (UTF-8) are cast explicitly: a plain char may be signed.
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "(char)0x\\1," body "${hex}")
string(REGEX REPLACE "((\\(char\\)0x..,)(\\(char\\)0x..,)(\\(char\\)0x..,)(\\(char\\)0x..,)(\\(char\\)0x..,)(\\(char\\)0x..,)(\\(char\\)0x..,)(\\(char\\)0x..,))" "\\1\n" body "${body}")
file(WRITE "${OUT}" "/* Generated from ${IN}; do not edit. */\nconst char ${SYMBOL}[] = {\n${body}0x00};\n")
