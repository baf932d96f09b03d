// SPDX-License-Identifier: GPL-2.0
/*
 * nmea_fix_line FILE: feed the sentences of FILE (one per line) through the
 * driver's fix decoder (src/nmea_fix.c, built for the host) and print the
 * resulting sysfs "fix" line without its trailing age_ms field. The VM
 * replay test compares it with what the driver's fix attribute shows.
 */
#include <stdio.h>
#include <string.h>

#include <gpsnmea/nmea_fix.h>

int main(int argc, char **argv)
{
	struct nmea_fix fix;
	char line[1024], out[NMEA_FIX_FORMAT_MAX], *age;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: nmea_fix_line FILE\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	memset(&fix, 0, sizeof(fix));
	while (fgets(line, sizeof(line), f))
		nmea_fix_update(&fix, line, strlen(line), 0);
	fclose(f);
	nmea_fix_format(&fix, out, sizeof(out), 0);
	age = strstr(out, " age_ms");
	if (age)
		*age = 0;
	printf("%s\n", out);
	return 0;
}
