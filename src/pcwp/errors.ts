/**
 * Errors raised by the protocol core. Each carries a stable `code` that
 * callers (the HTTP layer, the configuration loader, other programs) can
 * switch on; the message says what was expected and never repeats the input,
 * so it is safe to show to a user or write to a log.
 */
export class PcwpError extends Error {
  readonly code: string

  constructor (code: string, message: string) {
    super(message)
    this.name = new.target.name
    this.code = code
  }
}

export type RoomIdErrorCode =
  | 'PCWP_ROOM_ID_INVALID'
  | 'PCWP_ROOM_URI_INVALID'

/** The input is neither a room GUID nor a `ma-chan://` room URI (MS-OCGCWEB 2.2.2). */
export class RoomIdError extends PcwpError {
  declare readonly code: RoomIdErrorCode
}

/** The input is not a `<language>-<REGION>` pair (MS-OCGCWEB 2.2.1). */
export class ClientLangError extends PcwpError {
  declare readonly code: 'PCWP_CLIENTLANG_INVALID'
}

export type BaseUrlErrorCode =
  | 'PCWP_BASE_URL_CHARACTERS'
  | 'PCWP_BASE_URL_NOT_ABSOLUTE'
  | 'PCWP_BASE_URL_SCHEME'
  | 'PCWP_BASE_URL_CREDENTIALS'
  | 'PCWP_BASE_URL_RESERVED_PARAMETER'

/** The base room management URL cannot be used (MS-OCGCWEB 3.1.1, 5.1). */
export class BaseUrlError extends PcwpError {
  declare readonly code: BaseUrlErrorCode
}
