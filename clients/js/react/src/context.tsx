import type { ImagegenClient } from "@imagegen/client";
import { type ReactNode, createContext, useContext } from "react";

const ClientContext = createContext<ImagegenClient | null>(null);

/** Makes a client available to the hooks below it. */
export function ImagegenProvider({ client, children }: { client: ImagegenClient; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

/** The client of the nearest `ImagegenProvider`. */
export function useImagegenClient(): ImagegenClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error("useImagegenClient: no <ImagegenProvider client={...}> above this component");
  return client;
}
