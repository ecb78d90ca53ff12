/** The tracking snippets the onboarding page offers, for a project's app id and collector URL. */

export function npmSnippet(appId: string, host: string): string {
  return `npm install @gitlab/application-sdk-browser

import { glClientSDK } from '@gitlab/application-sdk-browser';

const glClient = glClientSDK({ appId: '${appId}', host: '${host}' });
glClient.page(); // page views are also tracked automatically`;
}

export function scriptSnippet(appId: string, host: string, scriptUrl: string): string {
  return `<script src="${scriptUrl}"></script>
<script>
  window.glClient = glSDK.glClientSDK({ appId: '${appId}', host: '${host}' });
</script>`;
}

export function jitsuSnippet(appId: string, endpoint: string): string {
  return `curl -X POST '${endpoint}?token=${appId}' \\
  -H 'content-type: application/json' \\
  -d '{"event_type":"pageview","url":"https://example.com/","user":{"anonymous_id":"a1"}}'`;
}
