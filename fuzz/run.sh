#!/bin/sh
# SPDX-License-Identifier: MIT
# make fuzz: run each libFuzzer target for FUZZ_TIME seconds from its
# checked-in seed corpus (fuzz/corpus/NAME; what a run finds stays in
# build-fuzz/corpus/NAME), then print executions and coverage per
# target. A crash fails the run; its input is in build-fuzz/, to be
# added to fuzz/corpus/NAME as a regression input once fixed.
set -eu
: "${FUZZ_TIME:=60}" "${FUZZ_BUILD:=build-fuzz}"
status=0
printf '| target | seconds | executions | exec/s | coverage (edges) | features | corpus |\n'
printf '|---|---|---|---|---|---|---|\n'
for t in "$@"; do
	name=${t#fuzz_}
	work=$FUZZ_BUILD/corpus/$name
	mkdir -p "$work"
	log=$FUZZ_BUILD/$t.log
	if ! "$FUZZ_BUILD/$t" -max_total_time="$FUZZ_TIME" -print_final_stats=1 \
		-artifact_prefix="$FUZZ_BUILD/$t-" -close_fd_mask=3 \
		"$work" "fuzz/corpus/$name" >"$log" 2>&1; then
		echo "fuzz: $t failed; see $log and $FUZZ_BUILD/$t-*" >&2
		tail -n 30 "$log" >&2
		status=1
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p')
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$FUZZ_TIME" \
		"${execs:--}" "${rate:--}" "${cov:--}" "${ft:--}" "${corp:--}"
done
exit $status
