/** The web UI's entry: Vue, the router, the stylesheet. */
import { createApp } from "vue";
import App from "./App.vue";
import { router } from "./router";
import "./styles.css";

createApp(App).use(router).mount("#app");
