log.o: init/log.c init/log.h
init/log.h:
