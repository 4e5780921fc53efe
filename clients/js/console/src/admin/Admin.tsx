import { BroadcastForm } from "./BroadcastForm.js";
import { Delivery } from "./Delivery.js";
import { ProviderTest } from "./ProviderTest.js";
import { Queues } from "./Queues.js";
import { Vitals } from "./Vitals.js";

/** The operator's view: every number refreshes by itself. */
export function Admin({ providers }: { providers: string[] }) {
  return (
    <section className="panel admin" aria-labelledby="admin-title">
      <h2 id="admin-title">Operations</h2>
      <Vitals />
      <Queues />
      <Delivery />
      <div className="row wrap">
        <BroadcastForm />
        <ProviderTest providers={providers} />
      </div>
    </section>
  );
}
