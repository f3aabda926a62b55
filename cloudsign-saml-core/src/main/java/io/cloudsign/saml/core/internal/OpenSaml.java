package io.cloudsign.saml.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import net.shibboleth.utilities.java.support.component.ComponentInitializationException;
import net.shibboleth.utilities.java.support.xml.BasicParserPool;
import net.shibboleth.utilities.java.support.xml.XMLParserException;
import org.opensaml.core.config.ConfigurationService;
import org.opensaml.core.config.InitializationException;
import org.opensaml.core.config.Initializer;
import org.opensaml.core.xml.config.XMLConfigurationException;
import org.opensaml.core.xml.config.XMLConfigurator;
import org.opensaml.core.xml.config.XMLObjectProviderRegistry;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.core.xml.io.UnmarshallerFactory;
import org.opensaml.xmlsec.config.impl.ApacheXMLSecurityInitializer;

/**
 * Initialises exactly the OpenSAML parts this library uses, once per class loader, and owns the
 * secure parser pool. Not API.
 *
 * <p>Why not {@code InitializationService.initialize()}: it also runs the metrics and HTTP-client
 * initialisers, which fail with those (unused, stale) libraries excluded, and after a failed
 * initialisation OpenSAML silently unmarshals signatures as {@code null} (DESIGN §7). A failure
 * here is therefore remembered and rethrown on every use.
 */
public final class OpenSaml {
  /** Deepest element nesting accepted; SAML Responses from Entra are about 8 levels deep. */
  public static final int MAX_ELEMENT_DEPTH = 64;

  private static final Object LOCK = new Object();
  private static volatile State state;

  private OpenSaml() {}

  /** The initialised state; initialises on first call. */
  public static State get() {
    State s = state;
    if (s == null) {
      synchronized (LOCK) {
        s = state;
        if (s == null) {
          s = initialise();
          state = s;
        }
      }
    }
    if (s.failure != null) {
      throw new IllegalStateException("OpenSAML initialisation failed", s.failure);
    }
    return s;
  }

  private static State initialise() {
    try {
      BasicParserPool parserPool = parserPool();
      for (Initializer i :
          new Initializer[] {new ProviderConfigs(parserPool), new ApacheXMLSecurityInitializer()}) {
        i.init();
      }
      return new State(parserPool, XMLObjectProviderRegistrySupport.getUnmarshallerFactory(), null);
    } catch (InitializationException | ComponentInitializationException | RuntimeException e) {
      return new State(null, null, e);
    }
  }

  /**
   * OpenSAML's secure defaults (no DOCTYPE, no external entities, comments ignored, CDATA
   * coalesced, namespace aware) plus a nesting limit so no input can exhaust the stack of the
   * recursive unmarshaller.
   */
  private static BasicParserPool parserPool() throws ComponentInitializationException {
    BasicParserPool pool = new BasicParserPool();
    pool.setMaxPoolSize(64);
    Map<String, Object> attributes = new HashMap<>();
    attributes.put(
        "http://www.oracle.com/xml/jaxp/properties/maxElementDepth",
        String.valueOf(MAX_ELEMENT_DEPTH));
    pool.setBuilderAttributes(attributes);
    // Performance only: the unmarshaller visits every node anyway, so build them during the parse
    // instead of Xerces' deferred DOM (saves its index arrays, ~10 KB per Response). The secure
    // defaults above (no DOCTYPE, secure processing) are kept as they are.
    Map<String, Boolean> features = new HashMap<>(pool.getBuilderFeatures());
    features.put("http://apache.org/xml/features/dom/defer-node-expansion", false);
    pool.setBuilderFeatures(features);
    pool.initialize();
    return pool;
  }

  /**
   * The XML object providers: XML schema types (what OpenSAML's {@code
   * XMLObjectProviderInitializer} loads, with its {@code xml:id} ID attribute) and SAML 2.0
   * assertions, protocol, metadata and XML-DSig/Enc.
   *
   * <p>Cold start: all in one {@code XMLConfigurator}, which compiles its config schema once per
   * instance; and no {@code GlobalParserPoolInitializer}, {@code
   * GlobalAlgorithmRegistryInitializer} or {@code GlobalSecurityConfigurationInitializer}: they
   * serve OpenSAML's own parsing, signing, encryption and trust engines, which this library does
   * not use (it parses with {@link #parserPool()}, builds requests from a template and verifies
   * signatures through Santuario and OpenSAML's {@code SignatureValidator}, which need neither).
   * About a sixth of the initialisation CPU time.
   *
   * <p>Also cold start: these resources are OpenSAML's own, bundled in its jars, so they are read
   * with our parser pool and registered through {@code XMLConfigurator#load(Element)}, skipping the
   * public loaders' schema validation and their unconditional serialisation of each document for a
   * trace log (OpenSAML 4.0.1), together about another sixth.
   */
  private static final class ProviderConfigs implements Initializer {
    private final BasicParserPool parserPool;

    ProviderConfigs(BasicParserPool parserPool) {
      this.parserPool = parserPool;
    }

    @Override
    public void init() throws InitializationException {
      try {
        BundledConfigurator configurator = new BundledConfigurator();
        for (String resource : RESOURCES) {
          configurator.loadBundled(resource, parserPool);
        }
      } catch (XMLConfigurationException | XMLParserException | IOException e) {
        throw new InitializationException("Problem loading configuration resource", e);
      }
      XMLObjectProviderRegistry registry =
          ConfigurationService.get(XMLObjectProviderRegistry.class);
      registry.registerIDAttribute(new QName(XMLConstants.XML_NS_URI, "id"));
    }

    private static final String[] RESOURCES = {
      "/default-config.xml",
      "/schema-config.xml",
      "/saml2-assertion-config.xml",
      "/saml2-protocol-config.xml",
      "/saml2-metadata-config.xml",
      "/signature-config.xml",
      "/encryption-config.xml"
    };
  }

  /** Registers providers from a trusted resource without the public loaders' extra work. */
  private static final class BundledConfigurator extends XMLConfigurator {
    BundledConfigurator() throws XMLConfigurationException {
      super();
    }

    /** As {@code AbstractXMLObjectProviderInitializer} finds the resource. */
    void loadBundled(String resource, BasicParserPool pool)
        throws XMLConfigurationException, XMLParserException, IOException {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      if (loader == null) {
        loader = XMLConfigurator.class.getClassLoader();
      }
      try (InputStream in = loader.getResourceAsStream(resource.substring(1))) {
        if (in == null) {
          throw new XMLConfigurationException("Resource not found: " + resource);
        }
        load(pool.parse(in).getDocumentElement());
      }
    }
  }

  /** Initialised OpenSAML: the parser pool and unmarshaller factory. */
  public static final class State {
    private final BasicParserPool parserPool;
    private final UnmarshallerFactory unmarshallers;
    private final Exception failure;

    private State(
        BasicParserPool parserPool, UnmarshallerFactory unmarshallers, Exception failure) {
      this.parserPool = parserPool;
      this.unmarshallers = unmarshallers;
      this.failure = failure;
    }

    public BasicParserPool parserPool() {
      return parserPool;
    }

    public UnmarshallerFactory unmarshallers() {
      return unmarshallers;
    }
  }
}
