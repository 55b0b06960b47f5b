/** A command-line value the report cannot use; `code` is stable, the message says what is expected. */
export class ReportUsageError extends Error {
  readonly code:
    | 'REPORT_OPTION_INVALID'
    | 'REPORT_DATE_INVALID'
    | 'REPORT_RANGE_EMPTY'
    | 'REPORT_FORMAT_INVALID'
    | 'REPORT_FILE_UNREADABLE'

  constructor (code: ReportUsageError['code'], message: string) {
    super(message)
    this.name = new.target.name
    this.code = code
  }
}
