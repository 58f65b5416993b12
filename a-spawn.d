spawn.o: init/spawn.c init/spawn.h
init/spawn.h:
