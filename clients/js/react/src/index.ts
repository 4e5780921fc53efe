export { ImagegenProvider, useImagegenClient } from "./context.js";
export { useRealtimeConnection } from "./connection.js";
export { useGeneration, type LiveGeneration } from "./generation.js";
export { useGenerations, type LiveGenerations } from "./generations.js";
export { usePresence } from "./presence.js";
export { generationKey, generationQuery, syncQueryCache } from "./query.js";
