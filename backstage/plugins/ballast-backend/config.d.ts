export interface Config {
  ballast?: {
    /** Where the Ballast server answers, e.g. https://ballast.example.com (the API is under /v1). */
    baseUrl: string;
    /**
     * A Ballast API key of kind `backstage`. The plugin calls Ballast with it, and derives from it the
     * key that signs the assertion of the signed-in user it sends with each call.
     * @visibility secret
     */
    apiKey: string;
    /** How long a signed user assertion lives, in seconds (default 60, at most 300). */
    assertionTtlSeconds?: number;
  };
}
