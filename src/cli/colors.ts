// Colour only for a terminal: picocolors alone turns colour on under CI even in a pipe, so the
// decision is made here from the stream and NO_COLOR / FORCE_COLOR.

import pc from 'picocolors';
import type { CliIo, OutputStream } from './io.ts';

export type Colors = ReturnType<typeof pc.createColors>;

export function colorsFor(stream: OutputStream, env: CliIo['env']): Colors {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const disabled = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return pc.createColors(!disabled && (forced || stream.isTTY === true));
}
