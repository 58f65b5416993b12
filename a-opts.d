opts.o: init/opts.c init/opts.h init/signames.h config/values.h
init/opts.h:
init/signames.h:
config/values.h:
