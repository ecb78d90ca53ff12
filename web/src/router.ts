/**
 * The app's pages. Everything but sign-in needs a session; a request answered 401 later (the
 * session ran out) sends the user back to sign-in, then to where they were.
 */
import { createRouter, createWebHistory } from "vue-router";
import { setUnauthorizedHandler } from "./api/http";
import { checkSession, signedIn } from "./state/session";

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    {
      path: "/sign-in",
      name: "sign-in",
      component: () => import("./pages/SignInPage.vue"),
      meta: { public: true, title: "Sign in" },
    },
    { path: "/", redirect: "/projects" },
    {
      path: "/projects",
      name: "projects",
      component: () => import("./pages/ProjectsPage.vue"),
      meta: { title: "Projects" },
    },
    { path: "/projects/:id", redirect: (to) => `/projects/${String(to.params.id)}/dashboards` },
    {
      path: "/projects/:id/dashboards",
      name: "dashboards",
      component: () => import("./pages/DashboardsPage.vue"),
      meta: { title: "Dashboards" },
    },
    {
      path: "/projects/:id/dashboards/:dashboard",
      name: "dashboard",
      component: () => import("./pages/DashboardPage.vue"),
      meta: { title: "Dashboard" },
    },
    {
      path: "/projects/:id/onboarding",
      name: "onboarding",
      component: () => import("./pages/OnboardingPage.vue"),
      meta: { title: "Set up" },
    },
    {
      path: "/projects/:id/explorer",
      name: "explorer",
      component: () => import("./pages/ExplorerPage.vue"),
      meta: { title: "Data explorer" },
    },
    {
      path: "/projects/:id/settings",
      name: "project-settings",
      component: () => import("./pages/ProjectSettingsPage.vue"),
      meta: { title: "Project settings" },
    },
    {
      path: "/usage",
      name: "usage",
      component: () => import("./pages/UsagePage.vue"),
      meta: { title: "Usage" },
    },
    {
      path: "/settings",
      name: "settings",
      component: () => import("./pages/SettingsPage.vue"),
      meta: { title: "Settings" },
    },
    {
      path: "/:rest(.*)*",
      name: "not-found",
      component: () => import("./pages/NotFoundPage.vue"),
      meta: { title: "Not found" },
    },
  ],
});

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  if (await checkSession()) return true;
  return { name: "sign-in", query: to.fullPath === "/" ? {} : { next: to.fullPath } };
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${String(to.meta.title)} · Glimpse` : "Glimpse";
});

setUnauthorizedHandler(() => {
  signedIn.value = false;
  const here = router.currentRoute.value;
  if (here.name !== "sign-in")
    void router.push({ name: "sign-in", query: { next: here.fullPath } });
});
