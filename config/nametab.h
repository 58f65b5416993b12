/* SPDX-License-Identifier: MIT */
/*
 * Tables of names without pointers. pouch-init is a static-pie: at start
 * it relocates every pointer in its data, which makes each page holding
 * one a private page of every container (pid 1's private memory is
 * counted in pages). So its tables keep their names in place, in char
 * arrays (a table of them is read-only, shared file pages), and name
 * their handlers by an enum and a switch, not by function pointers.
 *
 * Between NAMETAB_BEGIN and NAMETAB_END, a string that fills its array,
 * leaving no room for the NUL (which C allows silently), is an error.
 */
#ifndef POUCH_CONFIG_NAMETAB_H
#define POUCH_CONFIG_NAMETAB_H

#define NAMETAB_BEGIN                     \
	_Pragma("GCC diagnostic push")    \
	_Pragma("GCC diagnostic error \"-Wc++-compat\"")
#define NAMETAB_END _Pragma("GCC diagnostic pop")

/* The number of rows of a table */
#define NAMETAB_LEN(t) (sizeof(t) / sizeof(*(t)))

#endif
