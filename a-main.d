main.o: init/main.c init/log.h init/loop.h init/opts.h init/spawn.h
init/log.h:
init/loop.h:
init/opts.h:
init/spawn.h:
