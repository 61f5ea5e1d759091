// The one narrow port the dashboard reads through. `kube-fresh ui` plugs in a snapshot taken
// with the status flow and refreshed on demand; the controller will plug in its live picture.

import type { Picture, PictureContent } from '../usecases/dashboard-picture.ts';

export type PictureListener = (picture: Picture) => void;

export interface PictureSource {
  /** The newest picture (the first call may wait for it to be taken). */
  current(): Promise<Picture>;
  /** Takes a new picture now; absent for a live source that is always current. */
  refresh?(): Promise<void>;
  /** Called with every new picture; returns the unsubscribe function. */
  subscribe(listener: PictureListener): () => void;
}

/**
 * A picture taken on demand: the first `current()` takes it, `refresh()` retakes it. Refreshes
 * are single-flight: a refresh asked for while one runs joins it instead of starting another.
 */
export class SnapshotPictureSource implements PictureSource {
  readonly #take: () => Promise<PictureContent>;
  readonly #listeners = new Set<PictureListener>();
  #picture: Picture | undefined;
  #inFlight: Promise<Picture> | undefined;
  #version = 0;

  constructor(take: () => Promise<PictureContent>) {
    this.#take = take;
  }

  async current(): Promise<Picture> {
    return this.#picture ?? (await this.#retake());
  }

  async refresh(): Promise<void> {
    await this.#retake();
  }

  subscribe(listener: PictureListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #retake(): Promise<Picture> {
    this.#inFlight ??= this.#take()
      .then((content) => {
        const picture: Picture = { ...content, version: ++this.#version, source: 'snapshot' };
        this.#picture = picture;
        for (const listener of this.#listeners) listener(picture);
        return picture;
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }
}
