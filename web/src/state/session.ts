/** Whether this browser is signed in, asked of the service once and kept for the page's life. */
import { ref } from "vue";
import { api } from "../api/glimpse";

export const signedIn = ref<boolean | null>(null);

export async function checkSession(): Promise<boolean> {
  if (signedIn.value !== null) return signedIn.value;
  try {
    await api.session();
    signedIn.value = true;
  } catch {
    signedIn.value = false;
  }
  return signedIn.value;
}

export async function signIn(token: string): Promise<void> {
  await api.signIn(token);
  signedIn.value = true;
}

export async function signOut(): Promise<void> {
  await api.signOut().catch(() => undefined);
  signedIn.value = false;
}
