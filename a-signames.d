signames.o: init/signames.c init/signames.h
init/signames.h:
