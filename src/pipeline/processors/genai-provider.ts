/**
 * Provider names met in the wild → the `gen_ai.provider.name` values of the GenAI conventions.
 * OpenLLMetry ≤0.4 wrote "Anthropic", "MistralAI", "AWS"; OpenInference writes `llm.provider`
 * (the host: azure, aws, google) and `llm.system` (the model family: openai, vertexai).
 */

/** Lowercased, with `-`, `_`, spaces and dots squeezed out, so "Mistral AI" = "mistral_ai" = "mistralai". */
function squeeze(v: string): string {
  return v.toLowerCase().replace(/[\s._-]+/g, '');
}

const BY_SQUEEZED: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  aws: 'aws.bedrock',
  bedrock: 'aws.bedrock',
  awsbedrock: 'aws.bedrock',
  amazonbedrock: 'aws.bedrock',
  azure: 'azure.ai.openai',
  azureopenai: 'azure.ai.openai',
  azureaiopenai: 'azure.ai.openai',
  azureaiinference: 'azure.ai.inference',
  google: 'gcp.gen_ai',
  googlegenai: 'gcp.gen_ai',
  gcpgenai: 'gcp.gen_ai',
  genai: 'gcp.gen_ai',
  gemini: 'gcp.gemini',
  googlegemini: 'gcp.gemini',
  gcpgemini: 'gcp.gemini',
  vertexai: 'gcp.vertex_ai',
  vertex: 'gcp.vertex_ai',
  googlevertexai: 'gcp.vertex_ai',
  gcpvertexai: 'gcp.vertex_ai',
  mistral: 'mistral_ai',
  mistralai: 'mistral_ai',
  cohere: 'cohere',
  deepseek: 'deepseek',
  groq: 'groq',
  perplexity: 'perplexity',
  xai: 'x_ai',
  grok: 'x_ai',
  ibm: 'ibm.watsonx.ai',
  watsonx: 'ibm.watsonx.ai',
  ibmwatsonx: 'ibm.watsonx.ai',
  ibmwatsonxai: 'ibm.watsonx.ai',
  watsonxai: 'ibm.watsonx.ai',
};

/** A provider value in any spelling → its GenAI name; unknown names are lowercased and kept. */
export function normaliseProvider(value: string): string {
  const v = value.trim();
  return BY_SQUEEZED[squeeze(v)] ?? v.toLowerCase();
}

/**
 * The provider from OpenInference's pair: `llm.provider` says who hosts, `llm.system` which family.
 * Azure hosting OpenAI models is `azure.ai.openai`; Google hosting Vertex AI is `gcp.vertex_ai`.
 */
export function providerFromOpenInference(provider: string | undefined, system: string | undefined): string | undefined {
  const p = provider !== undefined ? normaliseProvider(provider) : undefined;
  const s = system !== undefined ? normaliseProvider(system) : undefined;
  if (p === 'gcp.gen_ai' && s === 'gcp.vertex_ai') return s;
  return p ?? s;
}
