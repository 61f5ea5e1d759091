// Scanners for the distribution/reference grammar (regexp.go), written as linear loops so that
// hostile input cannot trigger backtracking. Each returns the index of the first character that
// breaks the rule, or -1 when the whole string matches.

import { isAsciiDigit, isAsciiLetter } from './digest.ts';

const MAX_TAG_LENGTH = 128;

function isLowerAlnum(c: string): boolean {
  return (c >= 'a' && c <= 'z') || isAsciiDigit(c);
}

function isWordChar(c: string): boolean {
  return isAsciiLetter(c) || isAsciiDigit(c) || c === '_';
}

/** `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*` — one path component. */
export function findPathComponentError(value: string, start: number, end: number): number {
  let i = start;
  for (;;) {
    if (i >= end || !isLowerAlnum(value[i] ?? '')) return i;
    while (i < end && isLowerAlnum(value[i] ?? '')) i++;
    if (i === end) return -1;
    const sep = value[i];
    if (sep === '.') i += 1;
    else if (sep === '_') i += value[i + 1] === '_' ? 2 : 1;
    else if (sep === '-') while (value[i] === '-') i++;
    else return i;
  }
}

/** `pathComponent(?:/pathComponent)*` — the remote name (repository path). */
export function findRemoteNameError(value: string): number {
  let start = 0;
  for (;;) {
    const slash = value.indexOf('/', start);
    const end = slash < 0 ? value.length : slash;
    const error = findPathComponentError(value, start, end);
    if (error >= 0) return error;
    if (slash < 0) return -1;
    start = slash + 1;
  }
}

/** `[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]` separated by dots. */
function findDomainNameError(value: string, start: number, end: number): number {
  let componentStart = start;
  for (let i = start; i <= end; i++) {
    if (i < end && value[i] !== '.') {
      const c = value[i] ?? '';
      const alnum = isAsciiLetter(c) || isAsciiDigit(c);
      if (!alnum && !(c === '-' && i !== componentStart)) return i;
      continue;
    }
    if (i === componentStart) return i; // empty component
    if (value[i - 1] === '-') return i - 1; // a component may not end with '-'
    componentStart = i + 1;
  }
  return -1;
}

/** `\[[a-fA-F0-9:]+\]` — a bracketed IPv6 address. */
function findIpv6Error(value: string, start: number, end: number): number {
  if (end - start < 3 || value[end - 1] !== ']') return end - 1;
  for (let i = start + 1; i < end - 1; i++) {
    const c = value[i] ?? '';
    const hex = isAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex && c !== ':') return i;
  }
  return -1;
}

/** `host(?::[0-9]+)?` where host is a domain name or a bracketed IPv6 address. */
export function findDomainError(value: string): number {
  const bracketed = value.startsWith('[');
  const hostEnd = bracketed ? value.indexOf(']') + 1 : indexOrEnd(value, ':');
  if (bracketed && hostEnd === 0) return value.length;
  const hostError = bracketed
    ? findIpv6Error(value, 0, hostEnd)
    : findDomainNameError(value, 0, hostEnd);
  if (hostError >= 0) return hostError;
  if (hostEnd === value.length) return -1;
  if (value[hostEnd] !== ':' || hostEnd + 1 === value.length) return hostEnd;
  for (let i = hostEnd + 1; i < value.length; i++) {
    if (!isAsciiDigit(value[i] ?? '')) return i;
  }
  return -1;
}

/** `[\w][\w.-]{0,127}` — a tag. */
export function findTagError(value: string): number {
  if (value.length === 0 || !isWordChar(value[0] ?? '')) return 0;
  for (let i = 1; i < value.length; i++) {
    const c = value[i] ?? '';
    if (!isWordChar(c) && c !== '.' && c !== '-') return i;
  }
  return value.length > MAX_TAG_LENGTH ? MAX_TAG_LENGTH : -1;
}

function indexOrEnd(value: string, char: string): number {
  const index = value.indexOf(char);
  return index < 0 ? value.length : index;
}
