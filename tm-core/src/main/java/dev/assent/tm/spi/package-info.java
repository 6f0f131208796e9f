/** What integrators implement or observe: named resources and transaction listeners. */
package dev.assent.tm.spi;
