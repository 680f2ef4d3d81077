/*
 * sf_banned: functions libsf and the programs must not call, in the manner
 * of git's banned.h. Time goes through sf_time (UTC only, TZ ignored),
 * strings through sf_buf and snprintf. Included last by every .c file
 * through sf.h.
 */
#ifndef SF_BANNED_H
#define SF_BANNED_H

#define SF_BANNED(func) sorry_##func##_is_banned_in_sf

#undef strcpy
#define strcpy(x, y) SF_BANNED(strcpy)
#undef strcat
#define strcat(x, y) SF_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) SF_BANNED(strncpy)
#undef sprintf
#define sprintf(...) SF_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) SF_BANNED(vsprintf)
#undef gmtime
#define gmtime(t) SF_BANNED(gmtime)
#undef localtime
#define localtime(t) SF_BANNED(localtime)
#undef localtime_r
#define localtime_r(t, tm) SF_BANNED(localtime_r)
#undef mktime
#define mktime(t) SF_BANNED(mktime)
#undef ctime
#define ctime(t) SF_BANNED(ctime)
#undef asctime
#define asctime(t) SF_BANNED(asctime)
#undef strtok
#define strtok(x, y) SF_BANNED(strtok)
#undef atoi
#define atoi(x) SF_BANNED(atoi)
#undef atof
#define atof(x) SF_BANNED(atof)
#undef setlocale
#define setlocale(c, l) SF_BANNED(setlocale)

#endif
