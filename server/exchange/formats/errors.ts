/** A file the import cannot read, or refuses to; `code` reaches the user with the message. */
export class FileFormatError extends Error {
  constructor(
    message: string,
    readonly code = 'unreadable-file',
  ) {
    super(message);
  }
}
