/** A pgsafe config that cannot be used (its own module: the adapters' guard bundle and the main entry share it, so
 *  that `instanceof ConfigError` holds for either, see scripts/bundle-guard.mjs). */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ConfigError';
  }
}
