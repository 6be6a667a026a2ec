/** `ballast audit verify`: walks the tenant's hash chain on the server and says whether it holds. */
import type { VerifyResult } from '@ballast/contract';
import { Command } from 'commander';
import { CommandFailed, println, printJson } from './io.js';
import type { CommandContext } from './options.js';

const events = (n: number) => `${n} event${n === 1 ? '' : 's'}`;

const rows = (n: number) => `${n} annotation range row${n === 1 ? '' : 's'}`;

export function verifyLine(r: VerifyResult): string {
  if (!r.ok && r.rangeRows !== undefined) {
    return `chain ok (${events(r.checked)}), annotation ranges BROKEN at seq ${r.firstBadSeq}: ${r.reason ?? 'no reason given'}`;
  }
  if (!r.ok) {
    return `chain BROKEN at seq ${r.firstBadSeq}: ${r.reason ?? 'no reason given'} (${events(r.checked)} checked before it)`;
  }
  const ranges = r.rangeRows === undefined ? '' : `; ${rows(r.rangeRows)} match them`;
  if (r.checked === 0) return `chain ok: 0 events checked (none stored after seq ${r.anchor.seq})${ranges}`;
  return `chain ok: ${events(r.checked)} checked from seq ${r.anchor.seq + 1} to ${r.headSeq}${ranges}`;
}

function verifyCommand(ctx: CommandContext): Command {
  return new Command('verify')
    .description('check that no stored event was edited, removed or reordered (exits 1 when the chain is broken)')
    .option('--json', 'print the verification result as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const result = await ctx.connect(cmd).client.call('auditVerify', {});
      if (opts.json) printJson(ctx.io, result);
      else println(ctx.io, verifyLine(result));
      if (!result.ok) throw new CommandFailed();
    });
}

export function auditCommand(ctx: CommandContext): Command {
  return new Command('audit').description("the tenant's tamper-evident event log").addCommand(verifyCommand(ctx));
}
