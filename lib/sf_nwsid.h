/*
 * sf_nwsid: the ids NOAA's services know a forecast point by, checked
 * against their grammar before they reach a URL or a message.
 *
 * An NWS location id (NWSLI, the HADS id of a gauge: "PTTP1", "AMAT2") is
 * 3 to 5 upper-case letters or digits; the five-character ids of river
 * gauges end in the digit of their state. An NWM reach (feature) id is a
 * COMID: 1 to 15 digits ("2617456").
 */
#ifndef SF_NWSID_H
#define SF_NWSID_H

#include "sf_err.h"

/*
 * Returns 0 if id is an NWS location id, else -1 with err "NWS id 'ID':
 * not an NWS location id (3 to 5 upper-case letters or digits)"; ID is
 * shown with control and non-ASCII bytes as '?' and cut after 40 bytes, so
 * the message stays on one line.
 */
int sf_nwsid_check_lid(const char *id, struct sf_err *err);

/*
 * Returns 0 if id is an NWM reach id, else -1 with err "reach 'ID': not
 * an NWM reach id (1 to 15 digits)", ID shown as above.
 */
int sf_nwsid_check_reach(const char *id, struct sf_err *err);

#endif
