package io.cloudsign.saml.spring;

import io.cloudsign.saml.core.ReplayCache;
import io.cloudsign.saml.core.ServiceProvider;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;

/**
 * Builds the {@link ServiceProvider} from {@code cloudsign.saml.*} ({@link
 * CloudsignSamlProperties}) at start-up, the {@link CloudsignSamlMetadata} of registrations whose
 * metadata is an App Federation Metadata Url, and the default {@link
 * CloudsignSamlAuthoritiesMapper}. Optional beans it uses: a {@link Clock} (tests move it), a
 * {@link ReplayCache} (otherwise {@code replay-store}), a {@link DataSource} ({@code replay-store:
 * jdbc}). Define a {@code ServiceProvider} bean to configure core in code instead. The application
 * defines the {@code UserLinker} and its {@code SecurityFilterChain} with {@link
 * CloudsignSamlConfigurer}.
 */
@AutoConfiguration
@EnableConfigurationProperties(CloudsignSamlProperties.class)
public class CloudsignSamlAutoConfiguration {

  /** The App Federation Metadata Urls; closed (refreshes stopped) with the context. */
  @Bean
  @ConditionalOnMissingBean({CloudsignSamlMetadata.class, ServiceProvider.class})
  CloudsignSamlMetadata cloudsignSamlMetadata(
      CloudsignSamlProperties properties, ObjectProvider<Clock> clock) {
    return ServiceProviderFactory.metadata(properties, clock.getIfUnique());
  }

  @Bean
  @ConditionalOnMissingBean
  ServiceProvider cloudsignSamlServiceProvider(
      CloudsignSamlProperties properties,
      ResourceLoader resourceLoader,
      ObjectProvider<Clock> clock,
      ObjectProvider<ReplayCache> replayCache,
      ObjectProvider<DataSource> dataSource,
      CloudsignSamlMetadata metadata) {
    return new ServiceProviderFactory(resourceLoader)
        .build(
            properties,
            clock.getIfUnique(),
            replayCache.getIfUnique(),
            dataSource.getIfUnique(),
            metadata);
  }

  @Bean
  @ConditionalOnMissingBean
  CloudsignSamlAuthoritiesMapper cloudsignSamlAuthoritiesMapper() {
    return CloudsignSamlAuthoritiesMapper.entraDefaults();
  }
}
