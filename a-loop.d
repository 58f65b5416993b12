loop.o: init/loop.c init/loop.h init/opts.h init/spawn.h init/log.h \
 init/signames.h
init/loop.h:
init/opts.h:
init/spawn.h:
init/log.h:
init/signames.h:
