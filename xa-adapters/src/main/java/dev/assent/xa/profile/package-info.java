/**
 * What differs between databases: one {@link dev.assent.xa.profile.DatabaseProfile} per database
 * holds every quirk of its driver (error codes, suspend, read-only votes, start-up checks), so that
 * the rest of the adapter treats all databases alike.
 */
package dev.assent.xa.profile;
