export type ServerInfoErrorCode =
  | 'PCWP_SERVERINFO_MALFORMED'
  | 'PCWP_SERVERINFO_DOCTYPE'
  | 'PCWP_SERVERINFO_REPLY_FAILED'
  | 'PCWP_SERVERINFO_HTTP_STATUS'
  | 'PCWP_SERVERINFO_TOO_LARGE'
  | 'PCWP_SERVERINFO_TIMEOUT'
  | 'PCWP_SERVERINFO_UNREACHABLE'

/** Why a getserverinfo fetch gave no answer; the message is safe to log and to show in /readyz. */
export class ServerInfoError extends Error {
  readonly code: ServerInfoErrorCode

  constructor (code: ServerInfoErrorCode, message: string) {
    super(message)
    this.name = 'ServerInfoError'
    this.code = code
  }
}
