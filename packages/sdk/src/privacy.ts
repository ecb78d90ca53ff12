/**
 * Whether the visitor refused tracking: Do Not Track always counts, Global Privacy Control
 * counts unless the site turned `respectGlobalPrivacyControl` off. A refusing visitor sends
 * nothing at all.
 */
export function trackingRefused(respectGpc: boolean): boolean {
  const n = navigator as Navigator & { globalPrivacyControl?: boolean; msDoNotTrack?: string };
  const dnt = n.doNotTrack ?? (window as { doNotTrack?: string }).doNotTrack ?? n.msDoNotTrack;
  return dnt === "1" || dnt === "yes" || (respectGpc && n.globalPrivacyControl === true);
}
