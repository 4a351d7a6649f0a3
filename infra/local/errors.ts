/** A reason the local runtime cannot start, said in one line. */
export class StartupError extends Error {
  override name = 'StartupError';
}
