/** What the global setup hands to every test worker. */
declare module 'vitest' {
  export interface ProvidedContext {
    pgsafeAdminUrl: string;
  }
}
export {};
