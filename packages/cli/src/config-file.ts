import type { Command } from 'commander';
import { ConfigError, loadConfig, type PgsafeConfig } from '@pgsafe/core';

/** The command's config; a bad config file is a usage error (exit 2) naming the file and the problem. */
export async function commandConfig(cmd: Command, explicit: string | undefined): Promise<PgsafeConfig> {
  try {
    return (await loadConfig(process.cwd(), explicit)).config;
  } catch (error) {
    if (error instanceof ConfigError) cmd.error(`error: ${error.message}`, { exitCode: 2 });
    throw error;
  }
}
