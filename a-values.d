values.o: config/values.c config/values.h
config/values.h:
