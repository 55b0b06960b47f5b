// The exit codes of the service and of the pcwp-links command, in one place:
// scripts, init systems and orchestrators act on them (docs/design.md "Command line").

/** Any start-up failure but the configuration: the port is taken, HOST does not resolve, a crash. */
export const EXIT_START_FAILED = 1
/** Bad arguments, by the common convention (EX_USAGE from sysexits.h is 64). */
export const EXIT_USAGE = 2
/** EX_DATAERR from sysexits.h: the input data (a room map) is invalid. */
export const EXIT_DATA = 65
/** EX_UNAVAILABLE from sysexits.h: what the input is fetched from gave nothing (a room map URL); try again later. */
export const EXIT_UNAVAILABLE = 69
/** EX_CONFIG from sysexits.h: the configuration is wrong. */
export const EXIT_CONFIG = 78
