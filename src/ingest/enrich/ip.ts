/**
 * IP anonymisation (on by default): IPv4 keeps three octets, IPv6 keeps its first 48 bits, so
 * an address points at a network, never a person.
 */
import { isIPv4, isIPv6 } from "node:net";

export function anonymizeIp(ip: string): string | null {
  const mapped = ip.startsWith("::ffff:") && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (isIPv4(mapped)) return `${mapped.slice(0, mapped.lastIndexOf("."))}.0`;
  if (isIPv6(mapped)) return `${expandIpv6(mapped).slice(0, 3).join(":")}::`;
  return null;
}

function expandIpv6(ip: string): string[] {
  const [head = "", tail = ""] = ip.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const middle = new Array(Math.max(0, 8 - left.length - right.length)).fill("0");
  return [...left, ...middle, ...right].map((group) => group.replace(/^0+(?=.)/, ""));
}
