// Generated from the api's GET /openapi.json by clients/js/tests/openapi-types.mjs.
// Do not edit: the integration tests fail when it differs from the server's document.
/* eslint-disable */
export interface paths {
    "/admin/broadcast": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["broadcast"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/delivery": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The policy, and beside it `automatic` (the fallback's breaker: `state` closed,
         *     open or half_open, `since`) and `health` (webhooks delivered and failed in the
         *     window it judges).
         */
        get: operations["current"];
        put: operations["replace"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Merges the body into the policy: what it leaves out stays (the runbook's steps and
         *     rollback never erase pinned users).
         */
        patch: operations["patch"];
        trace?: never;
    };
    "/admin/delivery/mismatches": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * `{"total": n, "mismatches": [{"generation_id", "kind": "status" | "outputs" |
         *     "timing", "webhook": what it saw, "poll": what it saw, "recorded_at"}]}`, newest
         *     first (`limit` 50, at most 500).
         */
        get: operations["mismatches"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["usage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/providers/{name}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A webhook round trip through the provider `name`: a small generation in webhook
         *     mode, and the wait (30 s at most) for the provider's webhook to move it. `200` with
         *     `{"provider", "ok", "generation_id", "round_trip_ms", "status", "detail"}` either
         *     way; `404` for a provider not in use.
         */
        post: operations["test"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/queues": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["overview"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/queues/{name}/concurrency": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put: operations["set_concurrency"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/queues/{name}/dead": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["dead"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/queues/{name}/dead/{job_id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["retry"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/queues/{name}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["pause"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/queues/{name}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["resume"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["healthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["readyz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/channels/{channel}/presence": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["presence"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["events"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/poll": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["poll"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/generations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["list"];
        put?: never;
        post: operations["create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/generations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["show"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/generations/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** `POST /v1/generations/{id}/cancel`: the owner or an admin; again is a no-op. */
        post: operations["cancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/images/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["image"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ws": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["upgrade"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/{provider}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * OpenAI's protocol: one route for the project; the event names a response, which
         *     the worker reads. Events about anything but responses are acknowledged and ignored.
         */
        post: operations["project"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/{provider}/{generation_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replicate's protocol: the body is the prediction, the path names the generation. */
        post: operations["per_generation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        BroadcastBody: {
            /** @description Any JSON, at most 16 KiB: `payload.message` of the `SystemBroadcast` event. */
            message: unknown;
        };
        /** @description `{"concurrency": 4}`, or `{"concurrency": null}` for the workers' own setting. */
        ConcurrencyBody: {
            /**
             * Format: int32
             * @description Jobs at once per worker process, or null for the workers' configuration.
             */
            concurrency?: number | null;
        };
        /** @description A queue's concurrency as set. */
        ConcurrencyOut: {
            /** Format: int32 */
            concurrency?: number | null;
            name: string;
        };
        /** @description One dead letter in `GET /admin/queues/{name}/dead`. */
        DeadLetterOut: {
            /** Format: int32 */
            attempts: number;
            /** Format: date-time */
            failed_at: string;
            id: string;
            last_error: string;
            payload: Record<string, never>;
        };
        DeadLettersOut: {
            dead: components["schemas"]["DeadLetterOut"][];
        };
        /**
         * @description How new generations learn of their moves.
         * @enum {string}
         */
        DeliveryModeDoc: "webhook" | "polling" | "dual";
        /** @description Changes to the delivery policy (`PATCH /admin/delivery`): what is left out stays. */
        DeliveryPatchDoc: {
            global_override?: null | components["schemas"]["DeliveryModeDoc"];
            mode?: null | components["schemas"]["DeliveryModeDoc"];
            /**
             * Format: int32
             * @description The new percentage.
             */
            percentage?: number | null;
            /** @description Per-user modes to set; `null` removes a user's override. */
            user_overrides?: {
                [key: string]: components["schemas"]["DeliveryModeDoc"] | null;
            };
        };
        /** @description The delivery policy, whole (`PUT /admin/delivery`, and every answer). */
        DeliveryPolicyDoc: {
            global_override?: null | components["schemas"]["DeliveryModeDoc"];
            /** @description What users inside the percentage get. */
            mode: components["schemas"]["DeliveryModeDoc"];
            /**
             * Format: int32
             * @description The share of users (a stable hash of their id) that get `mode`.
             */
            percentage: number;
            /** @description Per-user modes, by user id; they win over the rest. */
            user_overrides?: {
                [key: string]: components["schemas"]["DeliveryModeDoc"];
            };
        };
        /**
         * @description Why a generation failed: a stable code, our words, and whether trying again may
         *     help.
         */
        ErrorOut: {
            code: string;
            message: string;
            retryable: boolean;
        };
        /** @description `POST /v1/generations` body. */
        GenerationIn: {
            /** @description What to make: 1 to 2,000 characters, not only spaces, no NUL. */
            prompt: string;
            settings?: components["schemas"]["SettingsIn"];
        };
        /** @description A generation as clients see it. */
        GenerationOut: {
            /** Format: date-time */
            completed_at?: string | null;
            /** Format: date-time */
            created_at: string;
            /** @description `webhook`, `polling` or `dual`. */
            delivery_mode: string;
            error?: null | components["schemas"]["ErrorOut"];
            external_id?: string | null;
            id: string;
            images: components["schemas"]["ImageOut"][];
            /** Format: int32 */
            progress: number;
            prompt: string;
            provider: string;
            settings: components["schemas"]["SettingsOut"];
            /** Format: date-time */
            started_at?: string | null;
            status: string;
            /** Format: date-time */
            updated_at: string;
            /** Format: int64 */
            version: number;
        };
        /** @description A page of generations. */
        GenerationPageOut: {
            items: components["schemas"]["GenerationOut"][];
            /** @description Pass as `before` for the next page. */
            next_cursor?: string | null;
        };
        /** @description `{"status": "ok" | "ready" | "not_ready", "reason"}`. */
        Health: {
            reason?: string | null;
            status: string;
        };
        /** @description One stored image. */
        ImageOut: {
            /** Format: int64 */
            bytes: number;
            content_type: string;
            /** Format: int32 */
            height: number;
            id: string;
            url: string;
            /** Format: int32 */
            width: number;
        };
        PolledEvent: {
            data: Record<string, never>;
            /** Format: int64 */
            position: number;
        };
        /** @description A page of `GET /v1/events/poll`. */
        PollPage: {
            events: components["schemas"]["PolledEvent"][];
            /** Format: int64 */
            next_position: number;
            /** @description Events after `after` were pruned: re-fetch state, then poll from `next_position`. */
            resync?: boolean;
        };
        /** @description An RFC 9457 problem, as every refusal answers (`application/problem+json`). */
        Problem: {
            /** @description The stable, machine-readable code. */
            code: components["schemas"]["ProblemCode"];
            /** @description What was wrong, in words. */
            detail: string;
            /**
             * Format: int32
             * @description The HTTP status.
             */
            status: number;
            /** @description The status's reason phrase. */
            title: string;
            /** @description `https://imagegen.dev/problems/{code}`. */
            type: string;
        };
        /**
         * @description Every `code` a problem carries. A schema only: each refusal writes its code where
         *     it is made (`ApiError`).
         * @enum {string}
         */
        ProblemCode: "invalid_prompt" | "invalid_settings" | "invalid_request" | "malformed_json" | "malformed_query" | "malformed_webhook" | "unauthorized" | "invalid_signature" | "forbidden" | "not_found" | "method_not_allowed" | "unsupported_media_type" | "body_too_large" | "uri_too_long" | "headers_too_large" | "invalid_state" | "concurrent_update" | "rate_limited" | "unavailable" | "not_a_websocket_upgrade" | "forbidden_origin";
        /** @description One provider in `GET /admin/providers`: its calls by reason. */
        ProviderCallsOut: {
            calls: {
                [key: string]: number;
            };
            name: string;
        };
        ProvidersOut: {
            providers: components["schemas"]["ProviderCallsOut"][];
        };
        /** @description One queue in `GET /admin/queues`. */
        QueueOut: {
            /** Format: int64 */
            active: number;
            /** Format: int64 */
            completed: number;
            /** Format: int32 */
            concurrency?: number | null;
            /** Format: int64 */
            dead: number;
            /** Format: int64 */
            delayed: number;
            name: string;
            paused: boolean;
            /** Format: double */
            throughput_per_sec?: number | null;
            /** Format: int64 */
            waiting: number;
        };
        QueuesOut: {
            queues: components["schemas"]["QueueOut"][];
        };
        /** @description What a delivery is answered with. */
        Receipt: {
            /** @description `queued`, `duplicate` or `ignored`. */
            status: string;
        };
        /**
         * @description The settings as a user sends them: everything optional, nothing unknown (a misspelt
         *     setting is an error, not silently ignored). The wire's own type, so the domain's
         *     can change without changing the API.
         */
        SettingsIn: {
            /**
             * @description Where a signed notice goes when the generation ends: an http(s) URL of a public
             *     host, at most 2,048 bytes.
             */
            callback_url?: string | null;
            /**
             * Format: int32
             * @description How many images.
             */
            count?: number | null;
            /**
             * Format: int32
             * @description Seconds after which the provider stops it.
             */
            deadline_seconds?: number | null;
            /** @description `owner/name` of a Replicate deployment to run it on (not with `model`). */
            deployment?: string | null;
            /** @description `owner/name` or `owner/name:<64 hex digits>` (not with `deployment`). */
            model?: string | null;
            /** @description What the image should not show: at most 2,000 characters, no NUL. */
            negative_prompt?: string | null;
            /**
             * @description One of the providers this api enables (the document lists them).
             * @enum {string|null}
             */
            provider?: "simulator" | null;
            /**
             * Format: int64
             * @description A fixed seed, for the same image again.
             */
            seed?: number | null;
            /** @description `WIDTHxHEIGHT`, each edge 64 to 2048. */
            size?: string | null;
        };
        /** @description The settings as applied, defaults included. */
        SettingsOut: {
            callback_url?: string | null;
            /** Format: int32 */
            count: number;
            /** Format: int32 */
            deadline_seconds?: number | null;
            deployment?: string | null;
            model: string;
            negative_prompt?: string | null;
            /** Format: int64 */
            seed?: number | null;
            size: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    broadcast: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BroadcastBody"];
            };
        };
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the SystemBroadcast event sent */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    current: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the policy, with `automatic` and `health` */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    replace: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeliveryPolicyDoc"];
            };
        };
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the policy in force */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryPolicyDoc"];
                };
            };
        };
    };
    patch: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeliveryPatchDoc"];
            };
        };
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the policy in force */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryPolicyDoc"];
                };
            };
        };
    };
    mismatches: {
        parameters: {
            query?: {
                /** @description 1 to 500 (default 50). */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description {"total", "mismatches": [...]} */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    usage: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProvidersOut"];
                };
            };
        };
    };
    test: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description {"provider", "ok", "generation_id", "round_trip_ms", "status", "detail"} */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    overview: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueuesOut"];
                };
            };
        };
    };
    set_concurrency: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description provider-submissions, generation-webhooks, image-processing, user-notifications or cleanup-tasks */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ConcurrencyBody"];
            };
        };
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConcurrencyOut"];
                };
            };
        };
    };
    dead: {
        parameters: {
            query?: {
                /** @description 1 to 500 (default 50). */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description provider-submissions, generation-webhooks, image-processing, user-notifications or cleanup-tasks */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeadLettersOut"];
                };
            };
        };
    };
    retry: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
                /** @description provider-submissions, generation-webhooks, image-processing, user-notifications or cleanup-tasks */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    pause: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description provider-submissions, generation-webhooks, image-processing, user-notifications or cleanup-tasks */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    resume: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description provider-submissions, generation-webhooks, image-processing, user-notifications or cleanup-tasks */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    healthz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    readyz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    presence: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description generation:{id} or organization:{id} */
                channel: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description {"channel", "members": [{"user_id", "connections"}]} */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    events: {
        parameters: {
            query?: {
                /** @description repeats: user:{id}, organization:{id}, generation:{id}, system; your user by default */
                channel?: string[];
            };
            header?: {
                /** @description resume after this stream position */
                "Last-Event-ID"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description server-sent events */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    poll: {
        parameters: {
            query?: {
                /** @description a stream position */
                after?: number;
                channel?: string[];
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PollPage"];
                };
            };
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    list: {
        parameters: {
            query?: {
                /** @description `next_cursor` of the page before. */
                before?: string;
                /** @description 1 to 100 (default 20). */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GenerationPageOut"];
                };
            };
        };
    };
    create: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1-255 visible ASCII characters: the same key within 24 h answers with the first generation */
                "Idempotency-Key"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GenerationIn"];
            };
        };
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            202: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GenerationOut"];
                };
            };
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    show: {
        parameters: {
            query?: {
                /** @description Seconds to wait for a change from the client's `If-None-Match`, at most 60. */
                wait?: number;
            };
            header?: {
                /** @description an ETag: answer when the generation differs from it */
                "If-None-Match"?: string | null;
            };
            path: {
                /** @description the generation's id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            200: {
                headers: {
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GenerationOut"];
                };
            };
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    cancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GenerationOut"];
                };
            };
        };
    };
    image: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the image (png, jpeg or webp) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "image/png": number[];
                };
            };
        };
    };
    upgrade: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the WebSocket (see the README for its messages) */
            101: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    project: {
        parameters: {
            query?: never;
            header: {
                "webhook-id": string;
                "webhook-signature": string;
                "webhook-timestamp": string;
            };
            path: {
                /** @description openai */
                provider: string;
            };
            cookie?: never;
        };
        /** @description the provider's event */
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Receipt"];
                };
            };
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    per_generation: {
        parameters: {
            query?: never;
            header: {
                "webhook-id": string;
                "webhook-signature": string;
                "webhook-timestamp": string;
            };
            path: {
                generation_id: string;
                provider: string;
            };
            cookie?: never;
        };
        /** @description the provider's prediction */
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Receipt"];
                };
            };
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
