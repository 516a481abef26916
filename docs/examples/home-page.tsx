// app/page.tsx: the home page, public on purpose.
import { publicPage } from "@/lib/authz";

function Home() {
  return <h1>Welcome</h1>;
}

export default publicPage("landing page: no user data", Home);
