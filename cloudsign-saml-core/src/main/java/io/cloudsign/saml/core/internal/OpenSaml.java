package io.cloudsign.saml.core.internal;

import java.util.HashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import net.shibboleth.utilities.java.support.component.ComponentInitializationException;
import net.shibboleth.utilities.java.support.xml.BasicParserPool;
import org.opensaml.core.config.ConfigurationService;
import org.opensaml.core.config.InitializationException;
import org.opensaml.core.xml.config.XMLObjectProviderRegistry;
import org.opensaml.core.xml.config.XMLObjectProviderRegistrySupport;
import org.opensaml.core.xml.io.UnmarshallerFactory;
import org.opensaml.core.xml.schema.impl.XSAnyBuilder;
import org.opensaml.core.xml.schema.impl.XSAnyMarshaller;
import org.opensaml.core.xml.schema.impl.XSAnyUnmarshaller;
import org.opensaml.core.xml.schema.impl.XSBase64BinaryMarshaller;
import org.opensaml.core.xml.schema.impl.XSBase64BinaryUnmarshaller;
import org.opensaml.saml.saml2.metadata.EntitiesDescriptor;
import org.opensaml.saml.saml2.metadata.EntityDescriptor;
import org.opensaml.saml.saml2.metadata.IDPSSODescriptor;
import org.opensaml.saml.saml2.metadata.KeyDescriptor;
import org.opensaml.saml.saml2.metadata.SingleLogoutService;
import org.opensaml.saml.saml2.metadata.SingleSignOnService;
import org.opensaml.saml.saml2.metadata.impl.EndpointMarshaller;
import org.opensaml.saml.saml2.metadata.impl.EndpointUnmarshaller;
import org.opensaml.saml.saml2.metadata.impl.EntitiesDescriptorBuilder;
import org.opensaml.saml.saml2.metadata.impl.EntitiesDescriptorMarshaller;
import org.opensaml.saml.saml2.metadata.impl.EntitiesDescriptorUnmarshaller;
import org.opensaml.saml.saml2.metadata.impl.EntityDescriptorBuilder;
import org.opensaml.saml.saml2.metadata.impl.EntityDescriptorMarshaller;
import org.opensaml.saml.saml2.metadata.impl.EntityDescriptorUnmarshaller;
import org.opensaml.saml.saml2.metadata.impl.IDPSSODescriptorBuilder;
import org.opensaml.saml.saml2.metadata.impl.IDPSSODescriptorMarshaller;
import org.opensaml.saml.saml2.metadata.impl.IDPSSODescriptorUnmarshaller;
import org.opensaml.saml.saml2.metadata.impl.KeyDescriptorBuilder;
import org.opensaml.saml.saml2.metadata.impl.KeyDescriptorMarshaller;
import org.opensaml.saml.saml2.metadata.impl.KeyDescriptorUnmarshaller;
import org.opensaml.saml.saml2.metadata.impl.SingleLogoutServiceBuilder;
import org.opensaml.saml.saml2.metadata.impl.SingleSignOnServiceBuilder;
import org.opensaml.xmlsec.config.impl.ApacheXMLSecurityInitializer;
import org.opensaml.xmlsec.signature.KeyInfo;
import org.opensaml.xmlsec.signature.X509Certificate;
import org.opensaml.xmlsec.signature.X509Data;
import org.opensaml.xmlsec.signature.impl.KeyInfoBuilder;
import org.opensaml.xmlsec.signature.impl.KeyInfoMarshaller;
import org.opensaml.xmlsec.signature.impl.KeyInfoUnmarshaller;
import org.opensaml.xmlsec.signature.impl.X509CertificateBuilder;
import org.opensaml.xmlsec.signature.impl.X509DataBuilder;
import org.opensaml.xmlsec.signature.impl.X509DataMarshaller;
import org.opensaml.xmlsec.signature.impl.X509DataUnmarshaller;

/**
 * Initialises exactly the OpenSAML parts this library uses, once per class loader, and owns the
 * secure parser pool. Not API.
 *
 * <p>Why not {@code InitializationService.initialize()}: it also runs the metrics and HTTP-client
 * initialisers, which fail with those (unused, stale) libraries excluded, and after a failed
 * initialisation OpenSAML silently unmarshals signatures as {@code null}. A failure here is
 * therefore remembered and rethrown on every use.
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

  private static final Object XML_SECURITY_LOCK = new Object();
  private static volatile Exception xmlSecurityFailure;
  private static volatile boolean xmlSecurityReady;

  /**
   * Initialises Santuario (its algorithm, transform and resolver registries) once, for the paths
   * that need it: the general signature path ({@code XMLSignature}) and decryption ({@code
   * XMLCipher}). Not part of {@link #get()}: Entra's signature shape is verified by {@code
   * EnvelopedRsaCheck}, which uses Santuario's exclusive canonicaliser directly, so a cold start
   * that only sees Entra's Responses and metadata never pays for it (about 550 classes, a third of
   * the time to the first validation). A failure is remembered and rethrown on every use.
   */
  public static void xmlSecurity() {
    if (!xmlSecurityReady) {
      synchronized (XML_SECURITY_LOCK) {
        if (!xmlSecurityReady && xmlSecurityFailure == null) {
          try {
            new ApacheXMLSecurityInitializer().init();
            xmlSecurityReady = true;
          } catch (InitializationException | RuntimeException e) {
            xmlSecurityFailure = e;
          }
        }
      }
    }
    if (xmlSecurityFailure != null) {
      throw new IllegalStateException(
          "Santuario (XML Security) initialisation failed", xmlSecurityFailure);
    }
  }

  private static State initialise() {
    try {
      BasicParserPool parserPool = parserPool();
      registerMetadataProviders();
      return new State(parserPool, XMLObjectProviderRegistrySupport.getUnmarshallerFactory(), null);
    } catch (ComponentInitializationException | RuntimeException e) {
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
   * The XML object providers of the only elements this library unmarshals with OpenSAML: those of
   * IdP metadata that {@code MetadataParser} reads, and the default provider (any other element
   * becomes an {@code XSAny}, which the metadata unmarshallers ignore). Responses are not
   * unmarshalled at all ({@code SamlResponse} reads the DOM of the one parse). Nor is the
   * metadata's {@code ds:Signature}: OpenSAML's signature unmarshaller initialises Santuario and
   * builds an {@code XMLSignature} from it, while {@code MetadataParser} checks a pinned signer's
   * signature on the DOM with {@code SignatureVerifier}; it becomes an {@code XSAny} too.
   *
   * <p>Cold start: OpenSAML's own initialisers load about 235 providers from XML configuration
   * files through reflection, after compiling a schema for those files: about 0.45 s of the 1 s the
   * first validation took in a fresh JVM, almost all of it for elements never read here.
   * Registering these few directly does the same for what is used. If the application initialises
   * OpenSAML itself, before or after, its registrations are equivalent for these elements. No
   * {@code GlobalParserPoolInitializer}, {@code GlobalAlgorithmRegistryInitializer} or {@code
   * GlobalSecurityConfigurationInitializer}: they serve OpenSAML's own parsing, signing, encryption
   * and trust engines, which this library does not use.
   */
  private static void registerMetadataProviders() {
    XMLObjectProviderRegistry registry;
    synchronized (ConfigurationService.class) {
      registry = ConfigurationService.get(XMLObjectProviderRegistry.class);
      if (registry == null) {
        registry = new XMLObjectProviderRegistry();
        ConfigurationService.register(XMLObjectProviderRegistry.class, registry);
      }
    }
    registry.registerObjectProvider(
        registry.getDefaultProviderQName(),
        new XSAnyBuilder(),
        new XSAnyMarshaller(),
        new XSAnyUnmarshaller());
    registry.registerObjectProvider(
        EntitiesDescriptor.DEFAULT_ELEMENT_NAME,
        new EntitiesDescriptorBuilder(),
        new EntitiesDescriptorMarshaller(),
        new EntitiesDescriptorUnmarshaller());
    registry.registerObjectProvider(
        EntityDescriptor.DEFAULT_ELEMENT_NAME,
        new EntityDescriptorBuilder(),
        new EntityDescriptorMarshaller(),
        new EntityDescriptorUnmarshaller());
    registry.registerObjectProvider(
        IDPSSODescriptor.DEFAULT_ELEMENT_NAME,
        new IDPSSODescriptorBuilder(),
        new IDPSSODescriptorMarshaller(),
        new IDPSSODescriptorUnmarshaller());
    registry.registerObjectProvider(
        KeyDescriptor.DEFAULT_ELEMENT_NAME,
        new KeyDescriptorBuilder(),
        new KeyDescriptorMarshaller(),
        new KeyDescriptorUnmarshaller());
    registry.registerObjectProvider(
        SingleSignOnService.DEFAULT_ELEMENT_NAME,
        new SingleSignOnServiceBuilder(),
        new EndpointMarshaller(),
        new EndpointUnmarshaller());
    registry.registerObjectProvider(
        SingleLogoutService.DEFAULT_ELEMENT_NAME,
        new SingleLogoutServiceBuilder(),
        new EndpointMarshaller(),
        new EndpointUnmarshaller());
    registry.registerObjectProvider(
        KeyInfo.DEFAULT_ELEMENT_NAME,
        new KeyInfoBuilder(),
        new KeyInfoMarshaller(),
        new KeyInfoUnmarshaller());
    registry.registerObjectProvider(
        X509Data.DEFAULT_ELEMENT_NAME,
        new X509DataBuilder(),
        new X509DataMarshaller(),
        new X509DataUnmarshaller());
    registry.registerObjectProvider(
        X509Certificate.DEFAULT_ELEMENT_NAME,
        new X509CertificateBuilder(),
        new XSBase64BinaryMarshaller(),
        new XSBase64BinaryUnmarshaller());
    registry.registerIDAttribute(new QName(XMLConstants.XML_NS_URI, "id"));
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
