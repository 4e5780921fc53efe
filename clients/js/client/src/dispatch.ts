import { channelsOf } from "./channels.js";
import type { Cursor, Received } from "./transports/transport.js";
import type { PushedEvent } from "./types.js";

/** What a subscriber hears. */
export interface Listener {
  onEvent?(event: PushedEvent): void;
  /** The server no longer has this channel's missed events: re-read state over REST. */
  onResync?(channel: string): void;
  onPresence?(change: { type: "join" | "leave"; channel: string; user_id: string }): void;
  /** The server refused a channel (`forbidden`, `invalid_channel`, `too_many_channels`). */
  onRefused?(channel: string, code: string): void;
}

const REMEMBERED = 4096;

/** The channels watched (counted by subscriber), each one's position, and the events
 * seen lately: every event reaches each subscriber once, in order, whatever channel
 * or transport brought it. */
export class Dispatch {
  private readonly listeners = new Map<Listener, Set<string>>();
  private readonly positions = new Map<string, number>();
  private readonly seen = new Set<string>();
  private readonly seenOrder: string[] = [];
  eventsReceived = 0;
  lastLatencyMs: number | null = null;

  add(listener: Listener, channels: string[]): void {
    this.listeners.set(listener, new Set(channels));
  }

  remove(listener: Listener): void {
    this.listeners.delete(listener);
  }

  channels(): string[] {
    const all = new Set<string>();
    for (const channels of this.listeners.values()) channels.forEach((c) => all.add(c));
    return [...all].sort();
  }

  cursors(): Cursor[] {
    return this.channels().map((channel) => ({ channel, since: this.positions.get(channel) ?? null }));
  }

  positionsByChannel(): Record<string, number> {
    return Object.fromEntries(this.positions);
  }

  /** Where a channel would resume (tests and the console's debug panel read it). */
  position(channel: string): number | null {
    return this.positions.get(channel) ?? null;
  }

  /** Starts a channel (or all, with null) again from `latest`, or from now. */
  forget(channel: string | null, latest?: number): void {
    const channels = channel === null ? this.channels() : [channel];
    for (const c of channels) {
      if (latest === undefined) this.positions.delete(c);
      else this.positions.set(c, latest);
      for (const [listener, watched] of this.listeners) if (watched.has(c)) listener.onResync?.(c);
    }
  }

  /** A received event: positions moved, then handed to each subscriber of its
   * channels unless it was seen already. `merged`: the transport carries every
   * watched channel in one ordered stream (SSE, poll). */
  receive(received: Received, merged: boolean, now = Date.now()): void {
    const { envelope, position } = received;
    const matching = received.channel !== null ? [received.channel] : channelsOf(envelope);
    if (position !== null) {
      const moved = merged ? this.channels() : matching;
      for (const channel of moved) {
        if ((this.positions.get(channel) ?? -1) < position) this.positions.set(channel, position);
      }
    }
    if (this.seen.has(envelope.event_id)) return;
    this.remember(envelope.event_id);
    this.eventsReceived += 1;
    const latencyMs = Math.max(0, now - Date.parse(envelope.occurred_at));
    this.lastLatencyMs = latencyMs;
    const targets = new Set(channelsOf(envelope).concat(matching));
    for (const [listener, watched] of [...this.listeners]) {
      const channel = [...targets].find((c) => watched.has(c));
      if (channel !== undefined) listener.onEvent?.({ position, channel, envelope, latencyMs });
    }
  }

  presence(change: { type: "join" | "leave"; channel: string; user_id: string }): void {
    for (const [listener, watched] of this.listeners) if (watched.has(change.channel)) listener.onPresence?.(change);
  }

  refused(channel: string, code: string): void {
    for (const [listener, watched] of this.listeners) if (!channel || watched.has(channel)) listener.onRefused?.(channel, code);
  }

  private remember(id: string): void {
    this.seen.add(id);
    this.seenOrder.push(id);
    if (this.seenOrder.length > REMEMBERED) this.seen.delete(this.seenOrder.shift() as string);
  }
}
