import type { Presence } from "@imagegen/client";
import { useEffect, useState } from "react";
import { useImagegenClient } from "./context.js";

/** Who watches a `generation:` or `organization:` channel (over WebSocket), live: the
 * list over REST, read again whenever someone joins or leaves. Watching it makes the
 * caller a member too. */
export function usePresence(channel: string | null | undefined): Presence["members"] {
  const client = useImagegenClient();
  const [members, setMembers] = useState<Presence["members"]>([]);
  useEffect(() => {
    if (!channel) return;
    let active = true;
    const read = () => client.presence(channel).then((p) => active && setMembers(p.members), () => {});
    const unsubscribe = client.subscribe([channel], { onPresence: () => void read() });
    void read();
    // A member whose instance died leaves without a message: read again now and then.
    const every = setInterval(() => void read(), 15_000);
    return () => {
      active = false;
      clearInterval(every);
      unsubscribe();
    };
  }, [client, channel]);
  return members;
}
