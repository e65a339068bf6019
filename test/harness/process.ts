import { spawn } from 'node:child_process';

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a Node script (a CLI under test) to its end, collecting its output; `node` picks another Node binary
 *  (a CLI that needs a newer Node than the one running the tests); `onStderr` sees stderr as it comes (a test that
 *  acts once the CLI has said something). */
export function runNode(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; node?: string; onStderr?: (text: string) => void } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.node ?? process.execPath, args, { ...(options.cwd ? { cwd: options.cwd } : {}), env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      options.onStderr?.(stderr);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
